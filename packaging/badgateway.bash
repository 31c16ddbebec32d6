# bash completion for badgateway: commands, each command's options, scenario names for explain.
# Standalone (no bash-completion helpers needed); installed to
# share/bash-completion/completions/badgateway, which bash-completion loads on demand.
_badgateway() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="run list check diagnose explain serve load clean"
  local command="" word
  for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case $word in run | list | check | diagnose | explain | serve | load | clean) command=$word && break ;; esac
  done
  local options
  case $command in
    "") COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")) && return ;;
    run) options="--jobs --filter --nginx --junit --json --keep --timeout --repeat --shuffle
                  --seed --fail-fast --shard --help" ;;
    serve) options="--listen --listen-beyond-loopback --behaviour --behavior --protocol --set --socket-mode --help" ;;
    load) options="--connections --duration --rate --keepalive --method --timeout --help" ;;
    diagnose) options="--scenarios --access-log --log-format --config --write --host --help" ;;
    *) options="--help" ;;
  esac
  case $prev in
    --junit | --json) COMPREPLY=($(compgen -f -- "$cur")) && return ;;
    --nginx) COMPREPLY=($(compgen -c -W "all docker:" -- "$cur")) && return ;;
    --behaviour | --behavior)
      # The behaviours are the first word of each line of serve --help's list (php_fpm is
      # listed there only to say serve cannot run it).
      COMPREPLY=($(compgen -W "$(badgateway serve --help 2>/dev/null |
        sed -n 's/^  \([a-z_][a-z_]*\)  .*/\1/p' | grep -vx php_fpm)" -- "$cur")) && return ;;
    --scenarios | --access-log | --config | --write) COMPREPLY=($(compgen -f -- "$cur")) && return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $command == explain ]]; then
    COMPREPLY=($(compgen -W "$(badgateway list 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
  elif [[ $command == run || $command == list || $command == check || $command == diagnose ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _badgateway badgateway
