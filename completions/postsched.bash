# bash completion for postsched                              -*- shell-script -*-
# Installed as share/bash-completion/completions/postsched; or source it.
# Covers every command, subcommand and option of `postsched --help`; completes
# platform names, --status, --visibility, --format and --date-order values, --tz zones from
# /usr/share/zoneinfo, account names (from `postsched account list --json`)
# and post ids (from `postsched post list --json`).

# Options that take a value: their next word is not a command or positional.
_postsched_value_opts=' -c --config -f --file --text --part --at --tz --to --media --alt
  --option --visibility --content-warning --language --max-lateness --idempotency-key
  --status --account --since --until --limit --max-seconds --wait --name --token-env
  --refresh-token-env --expires-at --platform-account-id --username --display-name
  --instance --command --posted --format --date-order --from --older-than --prometheus --page --handle --app-password-env
  --consumer-key-env --consumer-secret-env --access-token-env --access-token-secret-env '

# Runs the postsched being completed, with the --config given on the line.
_postsched_call() {
    "${_postsched_prog:-postsched}" ${_postsched_cfg:+--config "$_postsched_cfg"} "$@" 2>/dev/null
}

_postsched_accounts() {
    _postsched_call account list --json | sed -n 's/^ *"name": "\([^"]*\)".*/\1/p'
}

# Post ids, optionally of one status (posts are objects at indent 2, their
# fields at indent 4; target ids are deeper).
_postsched_posts() {
    local s
    if (($#)); then
        for s in "$@"; do _postsched_call post list --status "$s" --json; done
    else
        _postsched_call post list --json
    fi | sed -n 's/^    "id": "\([^"]*\)".*/\1/p'
}

_postsched_zones() {
    [[ -d /usr/share/zoneinfo ]] || return
    (cd /usr/share/zoneinfo && find . \( -type f -o -type l \) -print) |
        sed -n 's|^\./||p' | grep -E '^[A-Z]' | grep -Ev '^(posix|right)/'
}

_postsched_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_postsched() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd='' sub='' i w
    local -a positionals=()
    _postsched_prog=${COMP_WORDS[0]}
    _postsched_cfg=''
    COMPREPLY=()

    # Find the command, subcommand and positionals, skipping option values.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            -c | --config)
                _postsched_cfg=${COMP_WORDS[i + 1]}
                ((i++))
                continue
                ;;
            --config=*)
                _postsched_cfg=${w#--config=}
                continue
                ;;
            -*)
                [[ $_postsched_value_opts == *" $w "* ]] && ((i++))
                continue
                ;;
        esac
        if [[ -z $cmd ]]; then
            cmd=$w
        elif [[ -z $sub && $cmd =~ ^(config|db|account|post|target|keys)$ ]]; then
            sub=$w
        else
            positionals+=("$w")
        fi
    done

    # The value of the option before the cursor.
    if [[ $cmd == db && ($prev == --from || $prev == --to) ]]; then
        return  # a store URL: sqlite:///path or postgresql://…
    fi
    case $prev in
        -c | --config | -f | --file | --media | --prometheus)
            _postsched_files "$cur"
            return
            ;;
        --tz)
            mapfile -t COMPREPLY < <(compgen -W "$(_postsched_zones)" -- "$cur")
            return
            ;;
        --status)
            local statuses='draft pending posting posted failed cancelled'
            [[ $cmd == export ]] || statuses+=' unknown skipped'
            mapfile -t COMPREPLY < <(compgen -W "$statuses" -- "$cur")
            return
            ;;
        --format)
            mapfile -t COMPREPLY < <(compgen -W 'native hootsuite' -- "$cur")
            return
            ;;
        --date-order)
            mapfile -t COMPREPLY < <(compgen -W 'dmy mdy' -- "$cur")
            return
            ;;
        --visibility)
            mapfile -t COMPREPLY < <(compgen -W 'public unlisted private direct' -- "$cur")
            return
            ;;
        --account)
            mapfile -t COMPREPLY < <(compgen -W "$(_postsched_accounts)" -- "$cur")
            return
            ;;
        --to)
            # Comma-separated: complete the name after the last comma.
            local done='' part=$cur
            if [[ $cur == *,* ]]; then
                done=${cur%,*},
                part=${cur##*,}
            fi
            mapfile -t COMPREPLY < <(compgen -P "$done" -W "$(_postsched_accounts)" -- "$part")
            return
            ;;
        --option)
            compopt -o nospace 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -W 'mastodon.visibility= mastodon.spoiler_text=
                mastodon.language= mastodon.sensitive= discord.username= facebook.link=' -- "$cur")
            return
            ;;
        --token-env | --refresh-token-env)
            mapfile -t COMPREPLY < <(compgen -v -- "$cur")
            return
            ;;
    esac
    [[ $_postsched_value_opts == *" $prev "* ]] && return  # free text: nothing to offer

    local global='-h --help -c --config -v --verbose -q --quiet'
    local opts='' words=''
    case "$cmd/$sub" in
        /)
            opts="$global --version"
            words='init config db account post import export run retry target stats check validate keys'
            ;;
        init/*) opts=$global ;;
        import/*)
            opts="$global --format --account --date-order --tz --ignore-unknown-columns
                --dry-run --json"
            ;;
        export/*) opts="$global --status --since --until --account" ;;
        retry/*) opts="$global --failed --account --since --force" ;;
        target/) words='resolve' opts=$global ;;
        target/resolve) opts="$global --posted --failed" ;;
        run/*) opts="$global --limit --max-seconds --wait --dry-run --json" ;;
        stats/*) opts="$global --since --json --prometheus" ;;
        check/*) opts="$global --json" ;;
        validate/*) opts="$global -f --file --part --to --media --alt --option --json" ;;
        config/) words='show' opts=$global ;;
        config/show) opts="$global --json" ;;
        db/) words='migrate status copy prune' opts=$global ;;
        db/prune) opts="$global --older-than --posts --json" ;;
        db/migrate) opts=$global ;;
        db/status) opts="$global --json" ;;
        db/copy) opts="$global --from --to --force --json" ;;
        account/) words='add list show remove connect refresh enable disable' opts=$global ;;
        account/connect)
            opts="$global --name --no-browser --instance --page"
            ((${#positionals[@]} == 0)) && words='x linkedin facebook instagram threads mastodon'
            ;;
        account/refresh | account/enable | account/disable)
            opts=$global
            ((${#positionals[@]} == 0)) && words=$(_postsched_accounts)
            ;;
        keys/) words='generate rotate' opts=$global ;;
        keys/generate) opts="$global --file" ;;
        keys/rotate) opts=$global ;;
        account/add)
            opts="$global --name --token-env --token-stdin --refresh-token-env --expires-at
                --platform-account-id --username --display-name --instance --command --no-verify
                --consumer-key-env --consumer-secret-env --access-token-env --access-token-secret-env
                --handle --app-password-env --app-password-stdin"
            ((${#positionals[@]} == 0)) && words='mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec'
            ;;
        account/list) opts="$global --json" ;;
        account/show | account/remove)
            opts=$global
            [[ $sub == show ]] && opts+=' --json'
            [[ $sub == remove ]] && opts+=' --force'
            ((${#positionals[@]} == 0)) && words=$(_postsched_accounts)
            ;;
        post/) words='add list show edit reschedule approve cancel publish' opts=$global ;;
        post/add)
            opts="$global -f --file --part --at --tz --now --to --media --alt --option
                --visibility --content-warning --language --sensitive --max-lateness --draft
                --idempotency-key --publish --json"
            ;;
        post/list) opts="$global --status --account --since --until --limit --json" ;;
        post/show)
            opts="$global --json"
            ((${#positionals[@]} == 0)) && words=$(_postsched_posts)
            ;;
        post/edit)
            opts="$global --text -f --file --at --tz --now --to --media --alt --option
                --visibility --content-warning --language --sensitive --max-lateness
                --clear-media"
            ((${#positionals[@]} == 0)) && words=$(_postsched_posts draft pending)
            ;;
        post/reschedule | post/cancel)
            opts=$global
            [[ $sub == reschedule ]] && opts+=' --at --tz --now'
            ((${#positionals[@]} == 0)) && words=$(_postsched_posts draft pending)
            ;;
        post/approve)
            opts=$global
            ((${#positionals[@]} == 0)) && words=$(_postsched_posts draft)
            ;;
        post/publish)
            opts="$global --json"
            ((${#positionals[@]} == 0)) && words=$(_postsched_posts pending posting failed)
            ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [[ ($cmd/$sub == post/add || $cmd == validate) && ${#positionals[@]} -eq 0 ]]; then
        return  # the post's text (or - for stdin)
    elif [[ $cmd == import && ${#positionals[@]} -eq 0 ]]; then
        _postsched_files "$cur"  # the CSV file (or - for stdin)
    else
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    fi
}

complete -F _postsched postsched
