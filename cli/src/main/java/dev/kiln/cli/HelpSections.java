package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One option order on every help page: the options every command has ("Common options", in one fixed order) first,
 * then the command's own, in the order it declares them.
 */
final class HelpSections {

    /** The common options by their longest name, in the order help lists them. */
    static final List<String> COMMON = List.of("--help", "--version", "--verbose", "--quiet", "--output", "--console",
            "--stacktrace", "--result-file", "--work-dir");

    private HelpSections() {
    }

    /** Sets the option list of {@code cli} and of every command under it. */
    static void apply(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpSections::options);
        cli.getSubcommands().values().forEach(HelpSections::apply);
    }

    private static String options(Help help) {
        List<OptionSpec> common = new ArrayList<>();
        List<OptionSpec> own = new ArrayList<>();
        for (OptionSpec o : help.commandSpec().options()) {
            if (!o.hidden()) {
                (COMMON.contains(o.longestName()) ? common : own).add(o);
            }
        }
        common.sort(java.util.Comparator.comparingInt(o -> COMMON.indexOf(o.longestName())));
        StringBuilder text = new StringBuilder();
        if (help.commandSpec().positionalParameters().stream().anyMatch(p -> !p.hidden())) {
            text.append(System.lineSeparator());
        }
        if (!common.isEmpty()) {
            text.append("Common options:").append(System.lineSeparator()).append(list(help, common));
        }
        if (!own.isEmpty()) {
            text.append(text.isEmpty() ? "" : System.lineSeparator()).append("Options:").append(System.lineSeparator())
                    .append(list(help, own));
        }
        return text.toString();
    }

    private static String list(Help help, List<OptionSpec> options) {
        return help.optionListExcludingGroups(options, help.createDefaultLayout(), null, help.parameterLabelRenderer());
    }
}
