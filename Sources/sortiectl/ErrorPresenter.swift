import ArgumentParser
import SortieKit

/// Documented exit codes, so scripts can branch on what went wrong.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    case failure = 1
    case notFound = 2
    case timeout = 3
    case apiError = 4
    case quotaExceeded = 5
    case unreachable = 6
    case configuration = 7
    case usage = 64
}

/// Turns SortieKit errors into one line a person can act on, and an exit code.
enum ErrorPresenter {
    static func present(_ error: any Error) -> (message: String, exitCode: ExitStatus) {
        switch error {
        case let error as KubeconfigError:
            return (error.description, .configuration)
        case let error as KubeClientError:
            switch error {
            case .unreachable, .tls, .connectionLost: return (error.description, .unreachable)
            case .timeout: return (error.description, .timeout)
            case .credentials: return (error.description, .configuration)
            case .decoding: return (error.description, .apiError)
            }
        case let error as KubeAPIError:
            switch error.reason {
            case .notFound: return (error.description, .notFound)
            case .unauthorized:
                return ("you must be logged in to the server (Unauthorized): \(error.description)", .apiError)
            case .forbidden where error.isQuotaExceeded: return (error.description, .quotaExceeded)
            case .timeout: return (error.description, .timeout)
            default: return ("\(error.description) (\(error.request): HTTP \(error.code))", .apiError)
            }
        case let error as FileSystemError:
            return (error.description, .configuration)
        case let error as CatalogError:
            switch error {
            case .unknownApp: return (error.description, .notFound)
            case .notSessionCapable: return (error.description, .usage)
            default: return (error.description, .configuration)
            }
        case let error as SessionError:
            switch error {
            case .quotaExceeded: return (error.description, .quotaExceeded)
            case .notFound: return (error.description, .notFound)
            case .ambiguous: return (error.description, .usage)
            case .readyTimeout: return (error.description, .timeout)
            case .failedToStart, .vanished: return (error.description, .failure)
            }
        case let error as SessionSettingsError:
            return ("\(error)", .configuration)
        case let error as PodTemplateError:
            return ("\(error)", .configuration)
        case let error as SessionLabelError:
            return ("\(error)", .usage)
        case is CancellationError:
            // Ctrl-C in `sortiectl shell` cancels the running command's task.
            return ("cancelled", .failure)
        case let error as any PresentableError:
            return (error.presentation.message, error.presentation.exitCode)
        default:
            return ("\(error)", .failure)
        }
    }
}

/// An error that knows its own presentation (CLI-level errors).
protocol PresentableError: Error {
    var presentation: (message: String, exitCode: ExitStatus) { get }
}
