import CCurl
import Foundation

/// Loads libcurl on a background thread: a command that is going to reach a cluster then does not
/// wait for its ~38 libraries (~6 ms) after parsing its arguments and reading the kubeconfig, work
/// the other core does meanwhile. The first libcurl call waits for the load if it is still under
/// way (it happens once); a load that fails is reported by that call. Only the libraries are
/// loaded here: `curl_global_init` registers exit handlers, and a command that ends early must
/// not exit while another thread runs it.
public enum LibcurlPreload {
    public static func start() {
        let thread = Thread { _ = sortie_curl_load_error() }
        thread.name = "sortie-curl-load"
        thread.start()
    }
}
