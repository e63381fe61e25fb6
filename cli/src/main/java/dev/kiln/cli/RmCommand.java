package dev.kiln.cli;

import picocli.CommandLine.Command;

@Command(name = "rm", mixinStandardHelpOptions = true,
        header = "Remove images and instances kiln made, with everything kiln made for them.",
        description = {"Removes an image with the snapshots behind it, an instance with the disks,",
                "NICs and addresses it was given. It never touches what carries none of",
                "kiln's tags unless --force; --dry-run shows the plan.",
                "", "  kiln rm aws hello --region eu-west-1 --dry-run", "  kiln rm qemu hello", ""},
        synopsisSubcommandLabel = "PROVIDER",
        commandListHeading = "%nProviders that can remove:%n",
        footer = {"", "Run 'kiln rm PROVIDER --help' for its flags."})
final class RmCommand extends ProviderGroup {
}
