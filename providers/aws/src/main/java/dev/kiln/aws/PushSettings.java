package dev.kiln.aws;

import dev.kiln.api.Architecture;
import dev.kiln.api.BootMode;
import dev.kiln.api.KilnException;
import dev.kiln.api.PublishPolicy.IfExists;
import dev.kiln.api.PublishPolicy;
import dev.kiln.spi.Options;
import dev.kiln.spi.PushRequest;
import software.amazon.awssdk.services.ec2.model.ArchitectureValues;
import software.amazon.awssdk.services.ec2.model.BootModeValues;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code push aws} was asked to do, checked before any call to AWS.
 */
record PushSettings(Method method, int workers, Optional<String> kmsKey, String description, BootModeValues bootMode,
                    boolean tpm, boolean ena, Optional<String> imdsSupport, Map<String, String> tags,
                    IfExists ifExists, List<String> regions, boolean isPublic, List<String> shareWith,
                    Optional<String> bucket, String objectFormat, boolean keepObject, Duration requestTimeout,
                    Duration poll, Duration waitTimeout, ArchitectureValues arch) {

    enum Method { EBS_DIRECT, IMPORT_SNAPSHOT }

    static PushSettings from(Options o, PushRequest request) {
        Method method = choice(o, "method", Method.class);
        int workers = o.integer("workers").orElse(64);
        if (workers < 1 || workers > 512) {
            throw KilnException.usage("--workers must be between 1 and 512, not " + workers);
        }
        ArchitectureValues arch = request.arch() == Architecture.ARM64 ? ArchitectureValues.ARM64 : ArchitectureValues.X86_64;
        boolean tpm = o.flag("tpm");
        BootModeValues boot = bootMode(o, request.bootModes(), arch, tpm);
        Optional<String> imds = o.find("imds-support");
        if (imds.isPresent() && !imds.get().equals("v2.0")) {
            throw KilnException.usage("--imds-support takes only v2.0, not '" + imds.get() + "'");
        }
        String objectFormat = o.find("object-format").orElse("vmdk");
        if (!objectFormat.equals("vmdk") && !objectFormat.equals("raw")) {
            throw KilnException.usage("--object-format must be vmdk or raw, not '" + objectFormat + "'");
        }
        if (method == Method.IMPORT_SNAPSHOT && o.find("bucket").isEmpty()) {
            throw KilnException.usage("--method import-snapshot needs --bucket (or KILN_AWS_BUCKET): the S3 bucket "
                    + "EC2 imports from");
        }
        PublishPolicy policy = request.policy();
        String description = policy.description().orElse("kiln image " + request.name());
        return new PushSettings(method, workers, o.find("kms-key-id"), description, boot, tpm, o.flag("ena"), imds,
                Tags.forImage(request.name(), request.contentDigest(), policy.tags()),
                policy.ifExists(), o.all("regions"), policy.isPublic(), policy.shareWith(),
                o.find("bucket"), objectFormat, o.flag("keep-object"), o.duration("request-timeout").orElseThrow(),
                o.duration(AwsOptions.POLL).orElseThrow(), o.duration(AwsOptions.WAIT).orElseThrow(), arch);
    }

    /** The default follows what the image can boot: hybrid gets uefi-preferred; arm64 and TPM need UEFI. */
    private static BootModeValues bootMode(Options o, Set<BootMode> supported, ArchitectureValues arch, boolean tpm) {
        Optional<String> given = o.find("boot-mode");
        if (given.isPresent()) {
            BootModeValues mode = BootModeValues.fromValue(given.get());
            if (mode == BootModeValues.UNKNOWN_TO_SDK_VERSION) {
                throw KilnException.usage("--boot-mode must be legacy-bios, uefi or uefi-preferred, not '" + given.get() + "'");
            }
            if (tpm && mode != BootModeValues.UEFI) {
                throw KilnException.usage("--tpm needs --boot-mode uefi (NitroTPM works with UEFI boot only)");
            }
            return mode;
        }
        boolean uefi = supported.contains(BootMode.UEFI);
        boolean bios = supported.contains(BootMode.BIOS);
        if ((tpm || arch == ArchitectureValues.ARM64) && !uefi) {
            throw KilnException.usage((tpm ? "--tpm" : "arm64") + " needs UEFI boot but this image boots with BIOS only; "
                    + "build a UEFI format (aws, raw-efi)");
        }
        if (tpm || arch == ArchitectureValues.ARM64 || !bios) {
            return BootModeValues.UEFI;
        }
        return uefi ? BootModeValues.UEFI_PREFERRED : BootModeValues.LEGACY_BIOS;
    }

    private static <E extends Enum<E>> E choice(Options o, String name, Class<E> type) {
        String v = o.require(name);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw KilnException.usage("--" + name + " cannot be '" + v + "'; choose one of: "
                    + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()));
        }
    }
}
