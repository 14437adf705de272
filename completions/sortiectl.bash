#!/bin/bash

__sortiectl_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__sortiectl_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__sortiectl_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__sortiectl_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_sortiectl() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __sortiectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    apps|sessions|connect|pods|quota|serve|shell|version|help)
        # Offer subcommand argument completions
        "_sortiectl_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'apps sessions connect pods quota serve shell version help' -- "${cur}"))
        ;;
    esac
}

_sortiectl_apps() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sortiectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|validate|render)
        # Offer subcommand argument completions
        "_sortiectl_apps_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show validate render' -- "${cur}"))
        ;;
    esac
}

_sortiectl_apps_list() {
    repeating_flags=()
    non_repeating_flags=(--no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--apps -o --output)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    esac
}

_sortiectl_apps_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--apps -o --output)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion apps show -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_apps_validate() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--apps)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    esac
}

_sortiectl_apps_render() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--apps --user -o --output -n --namespace)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '--user')
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion apps render -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_sessions() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sortiectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|get|kill|reap)
        # Offer subcommand argument completions
        "_sortiectl_sessions_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list get kill reap' -- "${cur}"))
        ;;
    esac
}

_sortiectl_sessions_create() {
    repeating_flags=(-v)
    non_repeating_flags=(--wait --no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--user --timeout --count --dry-run --apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--user')
        return
        ;;
    '--timeout')
        return
        ;;
    '--count')
        return
        ;;
    '--dry-run')
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion sessions create -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_sessions_list() {
    repeating_flags=(-v)
    non_repeating_flags=(-w --watch --no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--user --app --status --apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--user')
        return
        ;;
    '--app')
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion sessions list -- --app "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    '--status')
        __sortiectl_add_completions -W 'creating'$'\n''running'$'\n''failed'$'\n''terminating'$'\n''stopped'$'\n''expired'
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_sessions_get() {
    repeating_flags=(-v)
    non_repeating_flags=(--no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion sessions get -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_sessions_kill() {
    repeating_flags=(-v)
    non_repeating_flags=(--all --now --ignore-not-found --no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--user --app --grace-period --apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--user')
        return
        ;;
    '--app')
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion sessions kill -- --app "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    '--grace-period')
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion sessions kill -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_sessions_reap() {
    repeating_flags=(-v)
    non_repeating_flags=(--dry-run --no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_connect() {
    repeating_flags=(-v)
    non_repeating_flags=(--web --probe --version -h --help)
    repeating_options=()
    non_repeating_options=(--port --address --web-port --exec --screenshot --timeout --server --token --apps --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--port')
        return
        ;;
    '--address')
        return
        ;;
    '--web-port')
        return
        ;;
    '--exec')
        return
        ;;
    '--screenshot')
        return
        ;;
    '--timeout')
        return
        ;;
    '--server')
        return
        ;;
    '--token')
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion connect -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_pods() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sortiectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|describe|logs)
        # Offer subcommand argument completions
        "_sortiectl_pods_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list describe logs' -- "${cur}"))
        ;;
    esac
}

_sortiectl_pods_list() {
    repeating_flags=(-v)
    non_repeating_flags=(--no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(-l --selector -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-l'|'--selector')
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_pods_describe() {
    repeating_flags=(-v)
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion pods describe -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_pods_logs() {
    repeating_flags=(-v)
    non_repeating_flags=(-f --follow --version -h --help)
    repeating_options=()
    non_repeating_options=(-c --container --tail --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-c'|'--container')
        return
        ;;
    '--tail')
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __sortiectl_add_completions -W "$(__sortiectl_custom_complete ---completion pods logs -- positional@0 "${COMP_CWORD}" "$(__sortiectl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_sortiectl_quota() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __sortiectl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|set)
        # Offer subcommand argument completions
        "_sortiectl_quota_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show set' -- "${cur}"))
        ;;
    esac
}

_sortiectl_quota_show() {
    repeating_flags=(-v)
    non_repeating_flags=(--no-headers -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--apps -o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __sortiectl_add_completions -W 'table'$'\n''wide'$'\n''json'$'\n''yaml'$'\n''name'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_quota_set() {
    repeating_flags=(-v)
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--pods --cpu --memory --limits-cpu --limits-memory --name --apps --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--pods')
        return
        ;;
    '--cpu')
        return
        ;;
    '--memory')
        return
        ;;
    '--limits-cpu')
        return
        ;;
    '--limits-memory')
        return
        ;;
    '--name')
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_serve() {
    repeating_flags=(-v)
    non_repeating_flags=(--no-leader-election --version -h --help)
    repeating_options=(--trusted-proxy --allowed-origin)
    non_repeating_options=(--address --port --auth --token-file --admin-group --upstream --ws-secret-file --novnc-dir --log-format --session-timeout --cleanup-interval --pod-ready-timeout --vnc-sidecar-image --session-idle-timeout --ws-idle-timeout --ws-stall-timeout --max-connections-per-session --creates-per-minute --upstream-port --apps --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--address')
        return
        ;;
    '--port')
        return
        ;;
    '--auth')
        __sortiectl_add_completions -W 'none'$'\n''token'$'\n''header'
        return
        ;;
    '--token-file')
        return
        ;;
    '--admin-group')
        return
        ;;
    '--trusted-proxy')
        return
        ;;
    '--allowed-origin')
        return
        ;;
    '--upstream')
        __sortiectl_add_completions -W 'auto'$'\n''direct'$'\n''port-forward'
        return
        ;;
    '--ws-secret-file')
        return
        ;;
    '--novnc-dir')
        return
        ;;
    '--log-format')
        __sortiectl_add_completions -W 'text'$'\n''json'
        return
        ;;
    '--session-timeout')
        return
        ;;
    '--cleanup-interval')
        return
        ;;
    '--pod-ready-timeout')
        return
        ;;
    '--vnc-sidecar-image')
        return
        ;;
    '--session-idle-timeout')
        return
        ;;
    '--ws-idle-timeout')
        return
        ;;
    '--ws-stall-timeout')
        return
        ;;
    '--max-connections-per-session')
        return
        ;;
    '--creates-per-minute')
        return
        ;;
    '--upstream-port')
        return
        ;;
    '--apps')
        __sortiectl_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_shell() {
    repeating_flags=(-v)
    non_repeating_flags=(--no-history --version -h --help)
    repeating_options=()
    non_repeating_options=(--kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_version() {
    repeating_flags=(-v)
    non_repeating_flags=(--client --version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output --kubeconfig --context -n --namespace --request-timeout --qps --burst)
    __sortiectl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        return
        ;;
    '--kubeconfig')
        __sortiectl_add_completions -f
        return
        ;;
    '--context')
        return
        ;;
    '-n'|'--namespace')
        return
        ;;
    '--request-timeout')
        return
        ;;
    '--qps')
        return
        ;;
    '--burst')
        return
        ;;
    esac
}

_sortiectl_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __sortiectl_offer_flags_options -1
}

complete -o filenames -F _sortiectl sortiectl
