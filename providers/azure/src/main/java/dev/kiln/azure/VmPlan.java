package dev.kiln.azure;

import dev.kiln.api.DiskRequest;
import dev.kiln.api.KilnException;
import dev.kiln.api.Lifecycle;
import dev.kiln.spi.Options;
import dev.kiln.spi.RunRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything {@code run azure} will ask ARM for, read from the flags and the request and checked before any call
 * (a dry run prints it). Names of what is made derive from the VM's: NAME-nsg, NAME-ip, NAME-nic, NAME-vnet,
 * NAME-osdisk, NAME-dataLUN.
 */
record VmPlan(String vm, String image, String size, String osDiskType, Optional<String> controller,
              Optional<String> vnet, String subnet, boolean publicIp, List<Integer> allow, String adminUser,
              Optional<Path> sshKey, Optional<String> userData, Optional<String> customData, List<DataDiskSpec> disks,
              boolean console, Optional<Path> consoleLog, Lifecycle.Wait waitFor, boolean rm, boolean keep,
              Duration timeout, Duration poll, Map<String, String> tags) {

    /** userData is at most 64 KiB once base64-encoded, so 48 KiB of bytes. */
    static final int USERDATA_LIMIT = 48 * 1024;
    static final String USERDATA_RULE = "Azure takes at most 64 KiB of base64 userData, which is 48 KiB of bytes";
    /** customData decodes to a binary array of at most 65535 bytes (OSProfile.customData). */
    static final int CUSTOM_DATA_LIMIT = 65535;
    static final String RUN_TAG = "kiln:run";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    static final List<String> DISK_SKUS = List.of("Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "PremiumV2_LRS",
            "UltraSSD_LRS", "StandardSSD_ZRS", "Premium_ZRS");
    private static final Pattern NVME_ONLY = Pattern.compile("(?i).*_v([6-9]|\\d{2})$");
    private static final Pattern VM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,58}[A-Za-z0-9_]|[A-Za-z0-9]");

    /** One {@code --disk}: an empty managed disk at {@code lun}, deleted with the VM. */
    record DataDiskSpec(int lun, String name, int sizeGiB, String sku) {
    }

    static VmPlan of(Options options, RunRequest request) {
        String vm = vmName(request.name());
        Lifecycle life = request.lifecycle();
        Lifecycle.Wait wait = life.waitOr(Lifecycle.Wait.RUNNING);
        if (life.rm() && wait == Lifecycle.Wait.NONE) {
            throw KilnException.usage("--rm with --wait none would delete the VM as soon as it was asked for; "
                    + "pass --wait running or --wait stopped");
        }
        String size = options.require(AzureOptions.SIZE);
        Optional<Path> consoleLog = options.path(AzureOptions.CONSOLE_LOG);
        Map<String, String> tags = new LinkedHashMap<>(request.tags());
        tags.put(RUN_TAG, vm);
        tags.put(AzurePush.NAME_TAG, request.name());
        return new VmPlan(vm, request.image(), size, sku(options.require(AzureOptions.OS_DISK_TYPE), "--os-disk-type"),
                controller(options.require(AzureOptions.DISK_CONTROLLER), size), options.find(AzureOptions.VNET),
                options.require(AzureOptions.SUBNET), options.flag(AzureOptions.PUBLIC_IP), ports(options),
                options.require(AzureOptions.ADMIN_USER), options.path(AzureOptions.SSH_KEY),
                request.userdata().map(u -> Base64.getEncoder().encodeToString(u.bytes())),
                options.path(AzureOptions.CUSTOM_DATA).map(VmPlan::customData), disks(vm, request.disks()),
                options.flag(AzureOptions.CONSOLE) || consoleLog.isPresent(), consoleLog, wait, life.rm(), life.keep(),
                life.timeoutOr(DEFAULT_TIMEOUT), options.duration(AzureOptions.POLL).orElse(Duration.ofSeconds(5)),
                Map.copyOf(tags));
    }

    /** VM names: 1-64 letters, digits, '-', '_' and '.', not ending in '-' or '.'; room is kept for "-vnet". */
    static String vmName(String name) {
        String clean = name.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        clean = clean.length() > 59 ? clean.substring(0, 59) : clean;
        clean = clean.replaceAll("[.-]+$", "");
        if (!VM_NAME.matcher(clean).matches()) {
            throw KilnException.usage("'" + name + "' makes no Azure VM name; pass --name with letters, digits and '-'");
        }
        return clean;
    }

    /** The Linux host name: letters, digits and '-' only. */
    String computerName() {
        String host = vm.replaceAll("[^A-Za-z0-9-]", "-");
        return host.length() > 63 ? host.substring(0, 63) : host;
    }

    private static String sku(String value, String flag) {
        return DISK_SKUS.stream().filter(s -> s.equalsIgnoreCase(value)).findFirst().orElseThrow(() ->
                KilnException.usage(flag + " " + value + " is not an Azure disk SKU; use one of "
                        + String.join(", ", DISK_SKUS)));
    }

    private static Optional<String> controller(String value, String size) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> NVME_ONLY.matcher(size).matches() ? Optional.of("NVMe") : Optional.empty();
            case "scsi" -> Optional.of("SCSI");
            case "nvme" -> Optional.of("NVMe");
            default -> throw KilnException.usage("--disk-controller takes auto, SCSI or NVMe, not " + value);
        };
    }

    private static List<Integer> ports(Options options) {
        List<Integer> ports = new ArrayList<>();
        for (String p : options.all(AzureOptions.ALLOW)) {
            try {
                int port = Integer.parseInt(p.trim());
                if (port >= 1 && port <= 65535) {
                    ports.add(port);
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw KilnException.usage("--allow takes a TCP port from 1 to 65535, not " + p);
        }
        return List.copyOf(ports);
    }

    private static String customData(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > CUSTOM_DATA_LIMIT) {
                throw KilnException.usage("--custom-data " + file + " is " + bytes.length + " bytes; Azure takes at "
                        + "most " + CUSTOM_DATA_LIMIT + ". Compress it, or have the guest fetch the rest at boot");
            }
            return Base64.getEncoder().encodeToString(bytes);
        } catch (IOException e) {
            throw KilnException.usage("cannot read --custom-data " + file + ": " + e.getMessage());
        }
    }

    private static List<DataDiskSpec> disks(String vm, List<DiskRequest> requests) {
        if (requests.size() > 64) {
            throw KilnException.usage("Azure attaches at most 64 data disks (LUN 0-63), not " + requests.size());
        }
        List<DataDiskSpec> out = new ArrayList<>();
        for (int lun = 0; lun < requests.size(); lun++) {
            DiskRequest d = requests.get(lun);
            String sku = sku(d.type().orElse("StandardSSD_LRS"), "--disk " + d.text() + ": type");
            String name = d.name().orElse(vm + "-data" + lun);
            if (!name.matches("[A-Za-z0-9_.-]{1,80}")) {
                throw KilnException.usage("--disk " + d.text() + ": name takes letters, digits, '_', '.' and '-'");
            }
            out.add(new DataDiskSpec(lun, name, d.sizeGiB().orElseThrow(), sku));
        }
        return List.copyOf(out);
    }

    String nsg() {
        return vm + "-nsg";
    }

    String publicIpName() {
        return vm + "-ip";
    }

    String nic() {
        return vm + "-nic";
    }

    String vnetName() {
        return vnet.orElse(vm + "-vnet");
    }

    String osDisk() {
        return vm + "-osdisk";
    }

    /** For the dry run and the log: what would be made. */
    String describe(String location) {
        return "VM " + vm + " (" + size + ") in " + location + " from " + image + ", OS disk " + osDiskType
                + (disks.isEmpty() ? "" : ", data disks " + disks.stream().map(d -> d.name() + " " + d.sizeGiB()
                + " GiB " + d.sku()).toList()) + controller.map(c -> ", " + c + " controller").orElse("")
                + ", network " + vnetName() + "/" + subnet + (publicIp ? " with a public IP" : " without a public IP")
                + (allow.isEmpty() ? ", no inbound port" : ", inbound TCP " + allow)
                + userData.map(u -> ", userData").orElse("") + customData.map(u -> ", customData").orElse("")
                + (rm ? "; removed at the end (--rm)" : "");
    }
}
