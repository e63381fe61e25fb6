package dev.kiln.cli;

import picocli.CommandLine.Command;

@Command(name = "push", mixinStandardHelpOptions = true,
        header = "Publish a built image on a provider.",
        description = {"Uploads the image, registers it, tags it with its name, content digest",
                "and kiln version, and prints the image ids. A re-push of the same content",
                "finds the existing image instead of uploading again.",
                "", "  kiln push aws hello.raw --region eu-west-1 --output json", ""},
        synopsisSubcommandLabel = "PROVIDER",
        commandListHeading = "%nProviders installed:%n",
        footer = {"", "Run 'kiln push PROVIDER --help' for its flags."})
final class PushCommand extends ProviderGroup {
}
