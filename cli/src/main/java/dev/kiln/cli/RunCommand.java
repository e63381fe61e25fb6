package dev.kiln.cli;

import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Start an image on a provider, locally (qemu) or in a cloud.",
        description = {"Starts an instance with userdata and disks, waits, prints its addresses",
                "and, on request, its console; --rm removes it at the end and Ctrl-C",
                "removes what kiln created.",
                "", "  kiln run qemu hello-efi.img", "  kiln run aws hello --wait-stopped --rm", ""},
        synopsisSubcommandLabel = "PROVIDER",
        commandListHeading = "%nProviders installed:%n",
        footer = {"", "Run 'kiln run PROVIDER --help' for its flags."})
final class RunCommand extends ProviderGroup {
}
