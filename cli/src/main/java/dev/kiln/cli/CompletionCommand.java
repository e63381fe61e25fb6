package dev.kiln.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a shell completion script.",
        description = {"  source <(kiln completion bash)", "  kiln completion zsh > \"$${fpath[1]}/_kiln\"", ""})
final class CompletionCommand implements Runnable {

    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "bash|zsh", description = "The shell.")
    Shell shell;

    @Override
    public void run() {
        // the invocation modelled only this command: completion needs the whole tree
        KilnCommand root = Kiln.root(spec);
        String script = AutoComplete.bash("kiln", Kiln.commandLine(root.session(), root.providers()));
        if (shell == Shell.zsh) {
            // picocli's script runs under zsh through bashcompinit
            script = "#compdef kiln\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
    }
}
