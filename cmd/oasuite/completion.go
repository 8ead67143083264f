package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// topCommands are the commands `oasuite` completes first, with the
// one-line summary fish shows.
var topCommands = []struct{ name, about string }{
	{"login", "log in and save the token"},
	{"logout", "revoke and remove the saved token"},
	{"token", "print a valid access token"},
	{"call", "send an authenticated request"},
	{"check", "a read-only tour with strict response validation"},
	{"sandbox", "run the vendors' fakes on loopback"},
	{"demo", "exercise the clients against the fakes"},
	{"completion", "print a shell completion script"},
	{"help", "a command's help"},
}

// vendorCommands take a vendor as their first argument.
var vendorCommands = []string{"login", "logout", "token", "call", "check"}

// commonFlags are the flags of every vendor command (parseVendorCommand).
var commonFlags = []string{"account", "config-dir", "sandbox", "grant", "no-browser", "timeout", "verbose", "help"}

// commandFlags are a command's own flags.
var commandFlags = map[string][]string{
	"call":  {"data", "query", "header", "include", "validate"},
	"check": {"operations", "call-timeout", "json"},
}

// flagsOf lists the flags of `oasuite <cmd> <vendor>`, sorted: the common
// ones, the command's own, and the vendor's non-secret settings.
func flagsOf(cmd string, v vendor) []string {
	fl := append(append([]string{}, commonFlags...), commandFlags[cmd]...)
	for _, st := range v.info().settings {
		if !st.secret {
			fl = append(fl, st.key)
		}
	}
	sort.Strings(fl)
	return fl
}

func topNames() []string {
	var out []string
	for _, c := range topCommands {
		out = append(out, c.name)
	}
	return out
}

const completionHelp = `Usage: oasuite completion bash|zsh|fish

Prints a completion script for the shell: commands, vendors, each vendor command's flags
and the values of --grant and --validate.

  bash:  source <(oasuite completion bash)     # or save it in /etc/bash_completion.d/oasuite
  zsh:   source <(oasuite completion zsh)      # in ~/.zshrc, after compinit
  fish:  oasuite completion fish > ~/.config/fish/completions/oasuite.fish
`

func (a *app) completion(args []string) int {
	if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
		w, code := a.stdout, 0
		if len(args) != 1 {
			w, code = a.stderr, 2
		}
		fmt.Fprint(w, completionHelp)
		return code
	}
	switch args[0] {
	case "bash":
		writeBash(a.stdout)
	case "zsh":
		writeZsh(a.stdout)
	case "fish":
		writeFish(a.stdout)
	default:
		fmt.Fprintf(a.stderr, "oasuite completion: unknown shell %q (have bash, zsh, fish)\n", args[0])
		return 2
	}
	return 0
}

// writeBash writes the bash completion: the function _oasuite, registered
// with `complete -F`.
func writeBash(w io.Writer) {
	vs := strings.Join(vendorNames(), " ")
	fmt.Fprintf(w, `# bash completion for oasuite (oasuite completion bash)
_oasuite() {
    local cur prev cmd vendor flags
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev=""
    if [ "$COMP_CWORD" -gt 0 ]; then prev="${COMP_WORDS[COMP_CWORD-1]}"; fi
    COMPREPLY=()
    if [ "$COMP_CWORD" -le 1 ]; then
        COMPREPLY=($(compgen -W "%s --help --version" -- "$cur"))
        return 0
    fi
    cmd="${COMP_WORDS[1]}"
    case "$cmd" in
    %s)
        if [ "$COMP_CWORD" -eq 2 ]; then
            COMPREPLY=($(compgen -W "%s" -- "$cur"))
            return 0
        fi
        vendor="${COMP_WORDS[2]}"
        case "$prev" in
        --grant)
            case "$vendor" in
`, strings.Join(topNames(), " "), strings.Join(vendorCommands, "|"), vs)
	for _, v := range vendors() {
		fmt.Fprintf(w, "            %s) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", v.info().name, strings.Join(v.info().grants, " "))
	}
	fmt.Fprintf(w, `            esac
            return 0 ;;
        --validate)
            COMPREPLY=($(compgen -W "off log strict" -- "$cur"))
            return 0 ;;
        --config-dir)
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0 ;;
        --data)
            COMPREPLY=($(compgen -P @ -f -- "${cur#@}"))
            return 0 ;;
        esac
        if [ "$cmd" = call ] && [ "$COMP_CWORD" -eq 3 ] && [[ "$cur" != -* ]]; then
            COMPREPLY=($(compgen -W "GET POST PUT PATCH DELETE HEAD" -- "$cur"))
            return 0
        fi
        case "$cmd:$vendor" in
`)
	for _, cmd := range vendorCommands {
		for _, v := range vendors() {
			fmt.Fprintf(w, "        %s:%s) flags=%q ;;\n", cmd, v.info().name, "--"+strings.Join(flagsOf(cmd, v), " --"))
		}
	}
	fmt.Fprintf(w, `        esac
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        ;;
    sandbox|demo)
        COMPREPLY=($(compgen -W "%s --help" -- "$cur")) ;;
    completion)
        COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    help)
        if [ "$COMP_CWORD" -eq 2 ]; then
            COMPREPLY=($(compgen -W "%s" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "%s" -- "$cur"))
        fi ;;
    esac
    return 0
}
complete -F _oasuite oasuite
`, vs, strings.Join(topNames(), " "), vs)
}

// writeZsh writes the zsh completion: zsh runs the bash function through
// bashcompinit, so both shells complete the same words.
func writeZsh(w io.Writer) {
	fmt.Fprintln(w, "# zsh completion for oasuite (oasuite completion zsh): source it after compinit")
	fmt.Fprintln(w, "autoload -U +X bashcompinit && bashcompinit")
	writeBash(w)
}

// writeFish writes the fish completion as `complete -c oasuite` lines.
func writeFish(w io.Writer) {
	vs := strings.Join(vendorNames(), " ")
	vcmds := strings.Join(vendorCommands, " ")
	fmt.Fprintln(w, "# fish completion for oasuite (oasuite completion fish)")
	fmt.Fprintln(w, "complete -c oasuite -f")
	fmt.Fprintln(w, "complete -c oasuite -n '__fish_use_subcommand' -l version -d 'print the version'")
	for _, c := range topCommands {
		fmt.Fprintf(w, "complete -c oasuite -n '__fish_use_subcommand' -a %s -d %s\n", c.name, fishQuote(c.about))
	}
	fmt.Fprintf(w, "complete -c oasuite -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a '%s'\n", vcmds, vs, vs)
	fmt.Fprintf(w, "complete -c oasuite -n '__fish_seen_subcommand_from sandbox demo' -a '%s'\n", vs)
	fmt.Fprintln(w, "complete -c oasuite -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'")
	fmt.Fprintf(w, "complete -c oasuite -n '__fish_seen_subcommand_from help' -a '%s'\n", strings.Join(topNames(), " "))
	for _, cmd := range vendorCommands {
		for _, v := range vendors() {
			info := v.info()
			cond := fmt.Sprintf("'__fish_seen_subcommand_from %s; and __fish_seen_subcommand_from %s'", cmd, info.name)
			for _, fl := range flagsOf(cmd, v) {
				switch fl {
				case "grant":
					fmt.Fprintf(w, "complete -c oasuite -n %s -l grant -xa '%s'\n", cond, strings.Join(info.grants, " "))
				case "validate":
					fmt.Fprintf(w, "complete -c oasuite -n %s -l validate -xa 'off log strict'\n", cond)
				default:
					fmt.Fprintf(w, "complete -c oasuite -n %s -l %s\n", cond, fl)
				}
			}
		}
	}
}

// fishQuote single-quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
