function __sortiectl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sortiectl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sortiectl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sortiectl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sortiectl_parse_tokens -S
    set -l unparsed_tokens (__sortiectl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sortiectl'
        __sortiectl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'apps'
            __sortiectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __sortiectl_parse_subcommand 0 'apps=' 'o/output=' 'no-headers' 'q' 'version' 'h/help'
            case 'show'
                __sortiectl_parse_subcommand 1 'apps=' 'o/output=' 'version' 'h/help'
            case 'validate'
                __sortiectl_parse_subcommand 1 'apps=' 'version' 'h/help'
            case 'render'
                __sortiectl_parse_subcommand 1 'apps=' 'user=' 'o/output=' 'n/namespace=' 'version' 'h/help'
            end
        case 'sessions'
            __sortiectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __sortiectl_parse_subcommand 1 'user=' 'wait' 'timeout=' 'count=' 'dry-run=' 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'list'
                __sortiectl_parse_subcommand 0 'user=' 'app=' 'status=' 'w/watch' 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'get'
                __sortiectl_parse_subcommand 1 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'kill'
                __sortiectl_parse_subcommand -r 1 'all' 'user=' 'app=' 'grace-period=' 'now' 'ignore-not-found' 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'reap'
                __sortiectl_parse_subcommand 0 'dry-run' 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            end
        case 'connect'
            __sortiectl_parse_subcommand 1 'port=' 'address=' 'web' 'web-port=' 'exec=' 'probe' 'screenshot=' 'timeout=' 'server=' 'token=' 'apps=' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
        case 'pods'
            __sortiectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __sortiectl_parse_subcommand 0 'l/selector=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'describe'
                __sortiectl_parse_subcommand 1 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'logs'
                __sortiectl_parse_subcommand 1 'c/container=' 'f/follow' 'tail=' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            end
        case 'quota'
            __sortiectl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __sortiectl_parse_subcommand 0 'apps=' 'o/output=' 'no-headers' 'q' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            case 'set'
                __sortiectl_parse_subcommand 0 'pods=' 'cpu=' 'memory=' 'limits-cpu=' 'limits-memory=' 'name=' 'apps=' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
            end
        case 'serve'
            __sortiectl_parse_subcommand 0 'address=' 'port=' 'auth=' 'token-file=' 'admin-group=' 'trusted-proxy=+' 'allowed-origin=+' 'upstream=' 'ws-secret-file=' 'novnc-dir=' 'log-format=' 'session-timeout=' 'cleanup-interval=' 'pod-ready-timeout=' 'vnc-sidecar-image=' 'session-idle-timeout=' 'ws-idle-timeout=' 'ws-stall-timeout=' 'max-connections-per-session=' 'creates-per-minute=' 'upstream-port=' 'no-leader-election' 'apps=' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
        case 'shell'
            __sortiectl_parse_subcommand 0 'no-history' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
        case 'version'
            __sortiectl_parse_subcommand 0 'client' 'o/output=' 'kubeconfig=' 'context=' 'n/namespace=' 'request-timeout=' 'qps=' 'burst=' 'v' 'version' 'h/help'
        case 'help'
            __sortiectl_parse_subcommand -r 1 'version'
        end
    end
end

function __sortiectl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sortiectl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __sortiectl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sortiectl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sortiectl_tokens -p)
    if test -z "$(__sortiectl_tokens -t)"
        set -l index (count (__sortiectl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sortiectl' -f
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'apps' -d 'List, show, validate and render the apps of the catalog (apps.json).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'sessions' -d 'Create, list, inspect and end sessions (one pod each).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'connect' -d 'Forward a session\'s VNC port to this machine, as kubectl port-forward does, knowing sessions.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'pods' -d 'Inspect session pods: list, describe, logs.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'quota' -d 'Show or set the namespace quota and Sortie\'s session limits.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'serve' -d 'Run the Sortie HTTP API, WebSocket proxy and web page.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'shell' -d 'Run sortiectl commands in an interactive shell with history and Tab completion.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'version' -d 'Print the sortiectl version and the Kubernetes API server version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps" -eq 1' -fa 'list' -d 'List the apps of the catalog.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps" -eq 1' -fa 'show' -d 'Show one app of the catalog.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps" -eq 1' -fa 'validate' -d 'Check a catalog file and report every problem with its line.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps" -eq 1' -fa 'render' -d 'Print the pod manifest a session of this app would get.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps show" -eq 1' -fka '(__sortiectl_custom_completion ---completion apps show -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps show" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps show" o output' -s 'o' -l 'output' -d 'Output format: json or yaml.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps show" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps validate" -eq 1' -fa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps validate" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps validate" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl apps render" -eq 1' -fka '(__sortiectl_custom_completion ---completion apps render -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" user' -l 'user' -d 'The user id sessions belong to (default: SORTIE_USER, then $USER).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" o output' -s 'o' -l 'output' -d 'Output format: yaml or json.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" n namespace' -s 'n' -l 'namespace' -d 'The namespace to render for.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl apps render" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions" -eq 1' -fa 'create' -d 'Start a session of an app: create its pod, optionally wait until it is ready.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions" -eq 1' -fa 'list' -d 'List sessions, optionally filtered by user, app and status.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions" -eq 1' -fa 'get' -d 'Show one session by id, unique id prefix, or pod name.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions" -eq 1' -fa 'kill' -d 'End sessions: delete their pods.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions" -eq 1' -fa 'reap' -d 'Delete sessions older than SESSION_TIMEOUT minutes, failed, finished and idle ones.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions create" -eq 1' -fka '(__sortiectl_custom_completion ---completion sessions create -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" user' -l 'user' -d 'The user id sessions belong to (default: SORTIE_USER, then $USER).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" wait' -l 'wait' -d 'Wait until the session is ready (or failed).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" timeout' -l 'timeout' -d 'How long --wait waits, e.g. 90s, 5m (default: POD_READY_TIMEOUT seconds).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" count' -l 'count' -d 'How many sessions to create.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" dry-run' -l 'dry-run' -d 'client: print the pod without sending it; server: let the API server validate it without storing it.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" user' -l 'user' -d 'Only this user\'s sessions.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" app' -l 'app' -d 'Only sessions of this app.' -rfka '(__sortiectl_custom_completion ---completion sessions list -- --app (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" status' -l 'status' -d 'Only sessions in this status: creating, running, failed, terminating, stopped, expired.' -rfka 'creating running failed terminating stopped expired'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" w watch' -s 'w' -l 'watch' -d 'After listing, keep printing sessions as they change.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions get" -eq 1' -fka '(__sortiectl_custom_completion ---completion sessions get -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl sessions kill" -ge 1' -fka '(__sortiectl_custom_completion ---completion sessions kill -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" all' -l 'all' -d 'End every session (of --user, --app if given).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" user' -l 'user' -d 'With --all: only this user\'s sessions.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" app' -l 'app' -d 'With --all: only this app\'s sessions.' -rfka '(__sortiectl_custom_completion ---completion sessions kill -- --app (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" grace-period' -l 'grace-period' -d 'Seconds the pod gets to shut down (default: the pod\'s own, 10).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" now' -l 'now' -d 'End at once (--grace-period 0).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" ignore-not-found' -l 'ignore-not-found' -d 'A session that is already gone is not an error.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions kill" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" dry-run' -l 'dry-run' -d 'Only show what would be deleted.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl sessions reap" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl connect" -eq 1' -fka '(__sortiectl_custom_completion ---completion connect -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" port' -l 'port' -d 'The local port for VNC (0 = any free port).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" address' -l 'address' -d 'The local address to listen on.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" web' -l 'web' -d 'Also forward the session\'s websockify port (6080), for noVNC in a browser.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" web-port' -l 'web-port' -d 'The local port for --web (0 = any free port).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" exec' -l 'exec' -d 'A viewer to run once the tunnel is up; {port} becomes the local VNC port, e.g. \'vncviewer 127.0.0.1::{port}\'.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" probe' -l 'probe' -d 'Do the RFB handshake through the tunnel, print the server version and security types, and exit.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" screenshot' -l 'screenshot' -d 'Capture the session\'s screen through the tunnel into this PNG file, and exit.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" timeout' -l 'timeout' -d 'How long to wait for the session to be running, e.g. 90s, 5m (default: POD_READY_TIMEOUT seconds).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" server' -l 'server' -d 'Connect through a `sortiectl serve` at this URL (no Kubernetes credentials needed), e.g. https://sortie.example.com.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" token' -l 'token' -d 'The bearer token for --server (default: SORTIE_TOKEN).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl connect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl pods" -eq 1' -fa 'list' -d 'List session pods with their phase, readiness, restarts and node.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl pods" -eq 1' -fa 'describe' -d 'Show a session pod in detail: phase, node, IP, containers and their states, conditions, recent events.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl pods" -eq 1' -fa 'logs' -d 'Print the logs of a session pod\'s container.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" l selector' -s 'l' -l 'selector' -d 'Label selector (default: every session pod).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl pods describe" -eq 1' -fka '(__sortiectl_custom_completion ---completion pods describe -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods describe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl pods logs" -eq 1' -fka '(__sortiectl_custom_completion ---completion pods logs -- positional@0 (count (__sortiectl_tokens -pc)) (__sortiectl_tokens -tC))'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" c container' -s 'c' -l 'container' -d 'The container: app or vnc-sidecar.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" f follow' -s 'f' -l 'follow' -d 'Keep streaming new lines.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" tail' -l 'tail' -d 'Only the last N lines.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl pods logs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl quota" -eq 1' -fa 'show' -d 'Namespace ResourceQuotas (used/hard), Sortie limits, sessions per user, and how many more default sessions fit.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_positional "sortiectl quota" -eq 1' -fa 'set' -d 'Create or update the namespace ResourceQuota (sortie-quota).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" o output' -s 'o' -l 'output' -d 'Output format: table, wide, json, yaml or name.' -rfka 'table wide json yaml name'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" no-headers' -l 'no-headers' -d 'Omit the table header.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" q' -s 'q' -d 'Print only ids (one per line).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" pods' -l 'pods' -d 'Maximum number of pods.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" cpu' -l 'cpu' -d 'Total CPU requests (requests.cpu), e.g. 20 or 20000m.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" memory' -l 'memory' -d 'Total memory requests (requests.memory), e.g. 40Gi.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" limits-cpu' -l 'limits-cpu' -d 'Total CPU limits (limits.cpu).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" limits-memory' -l 'limits-memory' -d 'Total memory limits (limits.memory).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" name' -l 'name' -d 'The ResourceQuota\'s name.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl quota set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" address' -l 'address' -d 'The address to listen on.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" port' -l 'port' -d 'The port to listen on.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" auth' -l 'auth' -d 'How requests are authenticated: token, header or none.' -rfka 'none token header'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" token-file' -l 'token-file' -d 'The static-token CSV file for --auth token.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" admin-group' -l 'admin-group' -d 'Members of this group see and end every session.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve"' -l 'trusted-proxy' -d 'A CIDR whose X-Forwarded-User headers are trusted (--auth header; repeatable).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve"' -l 'allowed-origin' -d 'An Origin allowed to open WebSockets, e.g. https://sortie.example.com (repeatable; default: the same host).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" upstream' -l 'upstream' -d 'How WebSockets reach pods: auto (direct in a pod, else port-forward), direct or port-forward.' -rfka 'auto direct port-forward'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" ws-secret-file' -l 'ws-secret-file' -d 'A file whose contents sign WebSocket tickets; replicas must share it (default: random per process).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" novnc-dir' -l 'novnc-dir' -d 'Where noVNC\'s files are.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" log-format' -l 'log-format' -d 'Log format on stderr: text or json.' -rfka 'text json'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" session-timeout' -l 'session-timeout' -d 'Session lifetime in minutes (default: SESSION_TIMEOUT, then 120).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" cleanup-interval' -l 'cleanup-interval' -d 'Minutes between reaper runs (default: SESSION_CLEANUP_INTERVAL, then 5).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" pod-ready-timeout' -l 'pod-ready-timeout' -d 'Seconds a pod may take to become ready (default: POD_READY_TIMEOUT, then 120).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" vnc-sidecar-image' -l 'vnc-sidecar-image' -d 'The VNC sidecar image (default: SORTIE_VNC_SIDECAR_IMAGE).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" session-idle-timeout' -l 'session-idle-timeout' -d 'Minutes a running session may go without VNC traffic before the reaper ends it, 0 = never (default: SESSION_IDLE_TIMEOUT, then 60).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" ws-idle-timeout' -l 'ws-idle-timeout' -d 'Close a WebSocket after this long without traffic, e.g. 30m, 90s.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" ws-stall-timeout' -l 'ws-stall-timeout' -d 'End a WebSocket whose peer (viewer or pod) has not read for this long, e.g. 60s.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" max-connections-per-session' -l 'max-connections-per-session' -d 'Simultaneous WebSockets allowed per session (0 = unlimited).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" creates-per-minute' -l 'creates-per-minute' -d 'Session creations allowed per user per minute (0 = unlimited).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" upstream-port' -l 'upstream-port' -d 'The port websockify listens on in session pods.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" no-leader-election' -l 'no-leader-election' -d 'Reap on this replica without taking the Lease.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" apps' -l 'apps' -d 'The app catalog (apps.json or YAML; default: SORTIE_APPS, then ./apps.json).' -rfa '(set -l exts \'json\' \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" no-history' -l 'no-history' -d 'Neither read nor write the history file.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl shell" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" client' -l 'client' -d 'Print only the client version; do not contact the cluster.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" o output' -s 'o' -l 'output' -d 'Output format: text or json.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" kubeconfig' -l 'kubeconfig' -d 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster).' -rF
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" context' -l 'context' -d 'The kubeconfig context to use.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" n namespace' -s 'n' -l 'namespace' -d 'The namespace of session pods (default: SORTIE_NAMESPACE, then the context\'s).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" request-timeout' -l 'request-timeout' -d 'How long one API request may take, e.g. 30s, 2m (0 = no limit).' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" qps' -l 'qps' -d 'Client-side limit on API requests per second.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" burst' -l 'burst' -d 'Client-side burst of API requests allowed above --qps.' -rfka ''
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version"' -s 'v' -d 'Log more to stderr (-v requests, -vv details).'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" version' -l 'version' -d 'Show the version.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sortiectl' -n '__sortiectl_should_offer_completions_for_flags_or_options "sortiectl help" version' -l 'version' -d 'Show the version.'
