// `mp completion bash|zsh|fish`: a completion script generated from the command tree itself, so it
// always matches this build. The script knows each command's subcommands and options (and the job
// names, datasets and help topics where a command takes one); it runs no mp process while completing.
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

interface Node {
  path: string;
  words: string[];
  options: string[];
}

/** Every command path with the words that may follow it and its options. */
async function tree(program: Command): Promise<Node[]> {
  const [{ builtinJobs }, { DATASETS }] = await Promise.all([import('../schedule/builtin-jobs.js'), import('../export/datasets.js')]);
  const values: Record<string, string[]> = {
    'jobs run': builtinJobs.map((j) => j.name),
    export: DATASETS.map((d) => d.name),
    completion: [...SHELLS],
    help: ['exit-codes', ...program.commands.map((c) => c.name()).filter((n) => n !== 'help')],
  };
  const nodes: Node[] = [];
  const walk = (command: Command, path: string) => {
    const words = [...command.commands.flatMap((c) => [c.name(), ...c.aliases()]), ...(values[path] ?? [])];
    const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
    options.push('--help');
    nodes.push({ path, words, options: [...new Set(options)] });
    for (const sub of command.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  return nodes;
}

/** A shell-safe single-quoted word list. */
function list(words: string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The `case` functions bash and zsh share: words and options after a command path. */
function caseFunctions(nodes: Node[]): string {
  const cases = (pick: (n: Node) => string[]) => nodes.map((n) => `    '${n.path}') echo ${list(pick(n))} ;;`).join('\n');
  return `_mp_words() {
  case "$1" in
${cases((n) => n.words)}
  esac
}
_mp_options() {
  case "$1" in
${cases((n) => n.options)}
  esac
}
`;
}

function bash(nodes: Node[]): string {
  return `# mp completion for bash: mp completion bash > ~/.local/share/bash-completion/completions/mp
${caseFunctions(nodes)}_mp() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ " $(_mp_words "$cmdpath") " == *" $w "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_mp_options "$cmdpath") $(_mp_options '')" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_mp_words "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F _mp mp
`;
}

function zsh(nodes: Node[]): string {
  // `path` is special in zsh (tied to PATH): the walk uses cmdpath.
  return `#compdef mp
# mp completion for zsh: mp completion zsh > "\${fpath[1]}/_mp" (or: source <(mp completion zsh))
${caseFunctions(nodes)}_mp() {
  local cmdpath="" w i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    if [[ " $(_mp_words "$cmdpath") " == *" $w "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- \${=$(_mp_options "$cmdpath")} \${=$(_mp_options '')}
  else
    compadd -- \${=$(_mp_words "$cmdpath")}
  fi
}
if [[ "\${funcstack[1]}" == "_mp" ]]; then _mp "$@"; else compdef _mp mp; fi
`;
}

function fish(nodes: Node[]): string {
  const cases = (pick: (n: Node) => string[]) => nodes.map((n) => `    case '${n.path}'\n        printf '%s\\n' ${list(pick(n))}`).join('\n');
  return `# mp completion for fish: mp completion fish > ~/.config/fish/completions/mp.fish
function __mp_words
    switch "$argv[1]"
${cases((n) => n.words)}
    end
end
function __mp_options
    switch "$argv[1]"
${cases((n) => n.options)}
    end
end
function __mp_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l p ''
    for w in $tokens
        string match -q -- '-*' $w; and continue
        if contains -- $w (__mp_words "$p")
            set p (string trim -- "$p $w")
        end
    end
    echo $p
end
complete -c mp -f
complete -c mp -n 'not string match -q -- "-*" (commandline -ct)' -a '(__mp_words (__mp_path))'
complete -c mp -n 'string match -q -- "-*" (commandline -ct)' -a '(__mp_options (__mp_path); __mp_options "")'
`;
}

/** The completion script for `shell`; a usage error for any other shell. */
export async function completionScript(shell: string, program: Command): Promise<string> {
  const nodes = await tree(program);
  if (shell === 'bash') return bash(nodes);
  if (shell === 'zsh') return zsh(nodes);
  if (shell === 'fish') return fish(nodes);
  throw new UsageError('COMPLETION_BAD_SHELL', `no completion for "${shell}": use bash, zsh or fish`);
}
