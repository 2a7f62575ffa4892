# fish completion for postsched. Installed in share/fish/vendor_completions.d.
# Covers every command, subcommand and option of `postsched --help`; completes
# platform names, --status, --visibility, --format and --date-order values, --tz zones from
# /usr/share/zoneinfo, account names (from `postsched account list --json`) and
# post ids (from `postsched post list --json`).

# Runs the postsched being completed, with the --config given on the line.
function __postsched_call
    set -l tokens (commandline -opc)
    set -l cmd $tokens[1]
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case -c --config
                set -l next (math $i + 1)
                if test $next -le (count $tokens)
                    set cmd $cmd --config $tokens[$next]
                end
            case '--config=*'
                set cmd $cmd $tokens[$i]
        end
    end
    $cmd $argv 2>/dev/null
end

function __postsched_accounts
    __postsched_call account list --json | sed -n 's/^ *"name": "\([^"]*\)".*/\1/p'
end

# Post ids, optionally of the given statuses (posts are objects at indent 2,
# their fields at indent 4; target ids are deeper).
function __postsched_posts
    if set -q argv[1]
        for s in $argv
            __postsched_call post list --status $s --json
        end
    else
        __postsched_call post list --json
    end | sed -n 's/^    "id": "\([^"]*\)".*/\1/p'
end

function __postsched_zones
    test -d /usr/share/zoneinfo; or return
    find /usr/share/zoneinfo \( -type f -o -type l \) -print |
        sed -n 's|^/usr/share/zoneinfo/||p' | grep -E '^[A-Z]' | grep -Ev '^(posix|right)/'
end

# True before the command word (skips global options and the value of -c).
function __postsched_needs_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    while set -q tokens[1]
        switch $tokens[1]
            case -c --config
                set -e tokens[1]
            case '-*'
            case '*'
                return 1
        end
        set -e tokens[1]
    end
    return 0
end

# True when the line has `family` and none of its subcommands yet.
function __postsched_needs_sub -a family
    __fish_seen_subcommand_from $family; or return 1
    not __fish_seen_subcommand_from $argv[2..-1]
end

# True when the line has `family` and one of the subcommands after it
# (e.g. __postsched_in post edit reschedule).
function __postsched_in -a family
    __fish_seen_subcommand_from $family; and __fish_seen_subcommand_from $argv[2..-1]
end

# True when no positional word follows the subcommand yet (the account name
# or post id); values of options are skipped.
function __postsched_no_positional
    set -l tokens (commandline -opc)
    set -l seen 0
    set -l skip 0
    set -l takes_value -c --config -f --file --text --at --tz --to --media --alt --option \
        --visibility --content-warning --language --max-lateness
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        if contains -- $t $takes_value
            set skip 1
            continue
        end
        string match -q -- '-*' $t; and continue
        set seen (math $seen + 1)
    end
    # command + subcommand are two words; a third is the positional.
    test $seen -lt 3
end

# True while `import` has no file yet (values of its options are skipped).
function __postsched_no_import_file
    set -l tokens (commandline -opc)
    set -l after 0
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        if contains -- $t -c --config --format --account --date-order --tz
            set skip 1
            continue
        end
        string match -q -- '-*' $t; and continue
        if test $after -eq 1
            return 1
        end
        test $t = import; and set after 1
    end
    return 0
end

set -l config_subs show
set -l db_subs migrate status copy prune
set -l account_subs add list show remove connect refresh enable disable
set -l keys_subs generate rotate
set -l post_subs add list show edit reschedule approve cancel publish
set -l target_subs resolve

complete -c postsched -f

# Global options (also accepted after the command).
complete -c postsched -s h -l help -d 'Print help and exit'
complete -c postsched -n __postsched_needs_command -l version -d 'Print the version and exit'
complete -c postsched -s c -l config -r -F -d 'Config file'
complete -c postsched -s v -l verbose -d 'More log output (-vv: debug)'
complete -c postsched -s q -l quiet -d 'Errors only'

# Commands.
complete -c postsched -n __postsched_needs_command -a init -d 'Create the config skeleton, the key file and the store'
complete -c postsched -n __postsched_needs_command -a config -d 'Inspect the configuration'
complete -c postsched -n __postsched_needs_command -a db -d 'Store schema maintenance'
complete -c postsched -n __postsched_needs_command -a account -d 'Manage the accounts posts go to'
complete -c postsched -n __postsched_needs_command -a keys -d 'Manage the encryption keys of stored tokens'
complete -c postsched -n __postsched_needs_command -a post -d 'Add and manage scheduled posts'
complete -c postsched -n __postsched_needs_command -a import -d 'Schedule the posts of a CSV file, all or nothing'
complete -c postsched -n __postsched_needs_command -a export -d 'Write posts as CSV (the columns import reads)'
complete -c postsched -n __postsched_needs_command -a run -d 'One scheduling pass: publish what is due, then exit'
complete -c postsched -n __postsched_needs_command -a retry -d 'Send a failed, skipped or (with --force) unknown target again'
complete -c postsched -n __postsched_needs_command -a target -d 'Settle a target by hand'
complete -c postsched -n __postsched_needs_command -a stats -d 'Queue depth, delays, failure rate and the last pass'
complete -c postsched -n __postsched_needs_command -a check -d 'Health check for monitoring (exit 1 saying why)'

# retry and target resolve
complete -c postsched -n "__fish_seen_subcommand_from retry" -l failed -d 'Retry every failed target'
complete -c postsched -n "__fish_seen_subcommand_from retry" -l account -x -a '(__postsched_accounts)' -d 'With --failed: only this account'
complete -c postsched -n "__fish_seen_subcommand_from retry" -l since -x -d 'With --failed: failed since this instant'
complete -c postsched -n "__fish_seen_subcommand_from retry" -l force -d 'Also retry an unknown target'
complete -c postsched -n "__postsched_needs_sub target $target_subs" -a resolve -d 'Settle an unknown target: posted or failed'
complete -c postsched -n '__postsched_in target resolve' -l posted -x -d 'It was published; its URL'
complete -c postsched -n '__postsched_in target resolve' -l failed -d 'It was not published'

# config
complete -c postsched -n "__postsched_needs_sub config $config_subs" -a show -d 'Print each effective value and its origin'
complete -c postsched -n '__postsched_in config show' -l json -d 'JSON output'

# db
complete -c postsched -n "__postsched_needs_sub db $db_subs" -a migrate -d 'Apply pending schema migrations'
complete -c postsched -n "__postsched_needs_sub db $db_subs" -a status -d 'Show the schema version and applied migrations'
complete -c postsched -n '__postsched_in db status' -l json -d 'JSON output'
complete -c postsched -n "__postsched_needs_sub db $db_subs" -a copy -d 'Copy a whole store to another (SQLite and PostgreSQL)'
complete -c postsched -n "__postsched_needs_sub db $db_subs" -a prune -d 'Remove old pass records (and settled posts)'
complete -c postsched -n '__postsched_in db prune' -l older-than -x -d 'Remove what is older than this duration'
complete -c postsched -n '__postsched_in db prune' -l posts -d 'Also remove settled posts'
complete -c postsched -n '__postsched_in db prune' -l json -d 'JSON output'
complete -c postsched -n '__postsched_in db copy' -l from -x -a 'sqlite:/// postgresql://' -d 'Store URL to read'
complete -c postsched -n '__postsched_in db copy' -l to -x -a 'sqlite:/// postgresql://' -d 'Store URL to write'
complete -c postsched -n '__postsched_in db copy' -l force -d 'Replace a destination that holds data'
complete -c postsched -n '__postsched_in db copy' -l json -d 'JSON output'

# account
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a add -d 'Add an account with a token you already have'
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a list -d 'List accounts'
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a show -d 'Show one account (tokens never shown)'
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a remove -d 'Remove an account'

set -l add 'not __fish_seen_subcommand_from post; and __postsched_in account add'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a mastodon -d 'Mastodon instance (--instance URL)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a x -d 'X (Twitter)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a bluesky -d 'Bluesky (--handle and an app password)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a linkedin -d 'LinkedIn member or page'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a discord -d 'Discord incoming webhook'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a slack -d 'Slack incoming webhook'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a webhook -d 'Generic JSON webhook'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a exec -d 'A local command (--command)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a facebook -d 'Facebook Page (Page token, --platform-account-id PAGE_ID)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a instagram -d 'Instagram professional account (--platform-account-id IG_USER_ID)'
complete -c postsched -n "$add; and not __fish_seen_subcommand_from mastodon x bluesky linkedin facebook instagram threads discord slack webhook exec" -a threads -d 'Threads account'
complete -c postsched -n $add -l name -x -d 'The name --to uses; unique'
complete -c postsched -n $add -l token-env -x -a '(set -nx)' -d 'Read the token (or webhook URL) from this variable'
complete -c postsched -n $add -l token-stdin -d 'Read the token (or webhook URL) from stdin'
complete -c postsched -n $add -l refresh-token-env -x -a '(set -nx)' -d 'Read a refresh token from this variable'
complete -c postsched -n $add -l expires-at -x -d 'When the access token expires (ISO 8601)'
complete -c postsched -n $add -l platform-account-id -x -d "The platform's id of the account"
complete -c postsched -n $add -l username -x -d "The account's username"
complete -c postsched -n $add -l display-name -x -d "The account's display name"
complete -c postsched -n $add -l instance -x -d 'Instance base URL (mastodon; bluesky: the PDS)'
complete -c postsched -n $add -l handle -x -d 'Bluesky: the handle (or email) to log in with'
complete -c postsched -n $add -l app-password-env -x -a '(set -nx)' -d 'Bluesky: read an app password from this variable'
complete -c postsched -n $add -l app-password-stdin -d 'Bluesky: read an app password from stdin'
complete -c postsched -n $add -l command -x -d 'Exec: the command that publishes (/bin/sh -c)'
complete -c postsched -n $add -l no-verify -d 'Do not check the token with the platform'
complete -c postsched -n $add -l consumer-key-env -x -a '(set -nx)' -d 'X OAuth 1.0a: variable with the API key'
complete -c postsched -n $add -l consumer-secret-env -x -a '(set -nx)' -d 'X OAuth 1.0a: variable with the API key secret'
complete -c postsched -n $add -l access-token-env -x -a '(set -nx)' -d 'X OAuth 1.0a: variable with the access token'
complete -c postsched -n $add -l access-token-secret-env -x -a '(set -nx)' -d 'X OAuth 1.0a: variable with the access token secret'

complete -c postsched -n '__postsched_in account list' -l json -d 'JSON output'
complete -c postsched -n '__postsched_in account show' -l json -d 'JSON output'
complete -c postsched -n '__postsched_in account remove' -l force -d 'Also remove its unsent targets'
complete -c postsched -n '__postsched_in account show remove; and __postsched_no_positional' -a '(__postsched_accounts)' -d Account
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a connect -d 'Connect an account in the browser (OAuth), or reconnect one'
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a refresh -d "Refresh an account's token now"
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a enable -d "Let an account's targets go out again"
complete -c postsched -n "__postsched_needs_sub account $account_subs" -a disable -d 'Hold an account: its targets wait'
set -l connect '__postsched_in account connect'
complete -c postsched -n "$connect; and __postsched_no_positional" -a mastodon -d 'Mastodon instance (--instance URL)'
complete -c postsched -n "$connect; and __postsched_no_positional" -a x -d 'X (Twitter)'
complete -c postsched -n "$connect; and __postsched_no_positional" -a linkedin -d 'LinkedIn member or page'
complete -c postsched -n "$connect; and __postsched_no_positional" -a facebook -d 'Facebook Page'
complete -c postsched -n "$connect; and __postsched_no_positional" -a instagram -d 'Instagram professional account'
complete -c postsched -n "$connect; and __postsched_no_positional" -a threads -d 'Threads account'
complete -c postsched -n $connect -l page -x -d 'The page: a Facebook page id, or a LinkedIn organization (urn:li:organization:ID)'
complete -c postsched -n $connect -l name -x -d 'The name --to uses; an existing one is reconnected'
complete -c postsched -n $connect -l no-browser -d 'Print the URL, read the final redirect URL from stdin'
complete -c postsched -n $connect -l instance -x -d 'Instance base URL (mastodon)'
complete -c postsched -n '__postsched_in account refresh enable disable; and __postsched_no_positional' -a '(__postsched_accounts)' -d Account
# keys
complete -c postsched -n "__postsched_needs_sub keys $keys_subs" -a generate -d 'Write a new key file (0600); never overwrites'
complete -c postsched -n "__postsched_needs_sub keys $keys_subs" -a rotate -d 'Put a new key first and re-encrypt every stored secret'
complete -c postsched -n '__postsched_in keys generate' -l file -r -F -d 'Where to write it'

# post
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a add -d 'Schedule a post to one or more accounts'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a list -d 'List posts, earliest first'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a show -d 'Show one post with its targets'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a edit -d 'Change a post that has not been sent yet'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a reschedule -d 'Move a post that has not been sent yet'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a approve -d 'Turn a draft into a pending post'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a cancel -d 'Cancel every target not yet sent'
complete -c postsched -n "__postsched_needs_sub post $post_subs" -a publish -d 'Publish one post now and print each target'

# Time options: post add, edit, reschedule.
set -l timed 'not __fish_seen_subcommand_from account; and __postsched_in post add edit reschedule'
complete -c postsched -n $timed -l at -x -d 'When: ISO 8601 with offset, or a local time in --tz'
complete -c postsched -n $timed -l tz -x -a '(__postsched_zones)' -d 'IANA zone for a local --at'
complete -c postsched -n $timed -l now -d 'Due at once: the next pass publishes it'

# Content options: post add, edit.
set -l content 'not __fish_seen_subcommand_from account; and __postsched_in post add edit'
complete -c postsched -n $content -l to -x -a '(__fish_complete_list , __postsched_accounts)' -d 'Account names, comma-separated or repeated'
complete -c postsched -n $content -l media -r -F -d 'Image or video: URL or local path'
complete -c postsched -n $content -l alt -x -d 'Alt text for the media, in order'
complete -c postsched -n $content -l option -x -a 'mastodon.visibility= mastodon.spoiler_text= mastodon.language= mastodon.sensitive= discord.username= facebook.link=' -d 'Per-platform option PLATFORM.KEY=VALUE'
complete -c postsched -n $content -l visibility -x -a 'public unlisted private direct' -d 'Mastodon visibility'
complete -c postsched -n $content -l content-warning -x -d 'Mastodon content warning'
complete -c postsched -n $content -l language -x -d 'Language code (mastodon), e.g. en'
complete -c postsched -n $content -l sensitive -d 'Mark media sensitive (mastodon)'
complete -c postsched -n $content -l max-lateness -x -d 'Skip when found later than this (e.g. 2h)'
complete -c postsched -n $content -s f -l file -r -F -d 'Read the text from a file'

set -l padd 'not __fish_seen_subcommand_from account; and __postsched_in post add'
complete -c postsched -n $padd -l part -x -d 'A further thread part (repeat)'
complete -c postsched -n $padd -l draft -d 'Keep as a draft until post approve'
complete -c postsched -n $padd -l idempotency-key -x -d 'Refuse a second post with this key'
complete -c postsched -n $padd -l publish -d 'Publish at once and print each target URL'
complete -c postsched -n $padd -l json -d 'Print the created post as JSON'

complete -c postsched -n '__postsched_in post edit' -l text -x -d 'New text, or - for stdin'
complete -c postsched -n '__postsched_in post edit' -l clear-media -d 'Remove all media'

set -l plist 'not __fish_seen_subcommand_from account; and __postsched_in post list'
complete -c postsched -n $plist -l status -x -a 'draft pending posting posted failed cancelled unknown skipped' -d 'Only posts in this state'
complete -c postsched -n $plist -l account -x -a '(__postsched_accounts)' -d 'Only posts to this account'
complete -c postsched -n $plist -l since -x -d 'Scheduled at or after this instant'
complete -c postsched -n $plist -l until -x -d 'Scheduled before this instant'
complete -c postsched -n $plist -l limit -x -d 'At most this many'
complete -c postsched -n $plist -l json -d 'JSON output'

complete -c postsched -n 'not __fish_seen_subcommand_from account; and __postsched_in post show' -l json -d 'JSON output'
complete -c postsched -n 'not __fish_seen_subcommand_from account; and __postsched_in post show; and __postsched_no_positional' -a '(__postsched_posts)' -d Post
complete -c postsched -n '__postsched_in post edit reschedule cancel; and __postsched_no_positional' -a '(__postsched_posts draft pending)' -d Post
complete -c postsched -n '__postsched_in post approve; and __postsched_no_positional' -a '(__postsched_posts draft)' -d Draft
complete -c postsched -n '__postsched_in post publish' -l json -d 'JSON output'
complete -c postsched -n '__postsched_in post publish; and __postsched_no_positional' -a '(__postsched_posts pending posting failed)' -d Post

# stats, check
complete -c postsched -n "__fish_seen_subcommand_from stats" -l since -x -d 'Window for delays and failure rate'
complete -c postsched -n "__fish_seen_subcommand_from stats" -l json -d 'JSON output'
complete -c postsched -n "__fish_seen_subcommand_from stats" -l prometheus -r -F -d 'Write a node_exporter textfile'
complete -c postsched -n "__fish_seen_subcommand_from check" -l json -d 'JSON output'

# validate
complete -c postsched -n __postsched_needs_command -a validate -d 'Check a text for each account with its platform rules'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l to -x -a '(__postsched_accounts)' -d 'Account name(s)'
complete -c postsched -n "__fish_seen_subcommand_from validate" -s f -l file -r -F -d 'Read the text from a file'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l part -x -d 'A further thread part (repeat)'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l media -r -F -d 'Image/video URL or local path'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l alt -x -d 'Alt text for the media, in order'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l option -x -d 'Per-platform option PLATFORM.KEY=VALUE'
complete -c postsched -n "__fish_seen_subcommand_from validate" -l json -d 'JSON output'

# run
complete -c postsched -n "__fish_seen_subcommand_from run" -l limit -x -d 'Claim at most this many targets'
complete -c postsched -n "__fish_seen_subcommand_from run" -l max-seconds -x -d 'Stop starting new publishes after this long'
complete -c postsched -n "__fish_seen_subcommand_from run" -l wait -x -d 'Wait up to this long for the run lock'
complete -c postsched -n "__fish_seen_subcommand_from run" -l dry-run -d 'Show what is due; send nothing'
complete -c postsched -n "__fish_seen_subcommand_from run" -l json -d 'Print the pass report as JSON'

# import and export
set -l imp '__fish_seen_subcommand_from import'
complete -c postsched -n "$imp; and __postsched_no_import_file" -F -d 'CSV file (- for stdin)'
complete -c postsched -n $imp -l format -x -a 'native hootsuite' -d 'native (columns by header name) or hootsuite'
complete -c postsched -n $imp -l account -x -a '(__postsched_accounts)' -d 'Hootsuite: the account the rows are for'
complete -c postsched -n $imp -l date-order -x -a 'dmy mdy' -d 'Hootsuite: dates day first or month first'
complete -c postsched -n $imp -l tz -x -a '(__postsched_zones)' -d 'IANA zone for rows without a timezone'
complete -c postsched -n $imp -l ignore-unknown-columns -d 'Skip columns postsched does not know'
complete -c postsched -n $imp -l dry-run -d 'Check every row and print the plan; store nothing'
complete -c postsched -n $imp -l json -d 'Print the created ids (or the problems) as JSON'
set -l exp '__fish_seen_subcommand_from export'
complete -c postsched -n $exp -l status -x -a 'draft pending posting posted failed cancelled' -d 'Only posts in this state'
complete -c postsched -n $exp -l since -x -d 'Scheduled at or after this instant'
complete -c postsched -n $exp -l until -x -d 'Scheduled before this instant'
complete -c postsched -n $exp -l account -x -a '(__postsched_accounts)' -d 'Only posts with a target on this account'
