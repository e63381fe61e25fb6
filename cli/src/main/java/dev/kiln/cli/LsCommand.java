package dev.kiln.cli;

import picocli.CommandLine.Command;

@Command(name = "ls", mixinStandardHelpOptions = true,
        header = "List the images and instances kiln made on a provider.",
        description = {"Finds them by kiln's tags and labels, never everything the account holds:",
                "name, id, location, content digest, age. A run without --rm leaves its",
                "instance here; 'kiln rm' removes it.",
                "", "  kiln ls aws --region eu-west-1", "  kiln ls qemu instances --output json", ""},
        synopsisSubcommandLabel = "PROVIDER",
        commandListHeading = "%nProviders that can list:%n",
        footer = {"", "Run 'kiln ls PROVIDER --help' for its flags."})
final class LsCommand extends ProviderGroup {
}
