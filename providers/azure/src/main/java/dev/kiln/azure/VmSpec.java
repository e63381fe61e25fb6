package dev.kiln.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.BootDiagnostics;
import com.azure.resourcemanager.compute.models.DataDisk;
import com.azure.resourcemanager.compute.models.DeleteOptions;
import com.azure.resourcemanager.compute.models.DiagnosticsProfile;
import com.azure.resourcemanager.compute.models.DiskControllerTypes;
import com.azure.resourcemanager.compute.models.DiskCreateOptionTypes;
import com.azure.resourcemanager.compute.models.DiskDeleteOptionTypes;
import com.azure.resourcemanager.compute.models.HardwareProfile;
import com.azure.resourcemanager.compute.models.ImageReference;
import com.azure.resourcemanager.compute.models.LinuxConfiguration;
import com.azure.resourcemanager.compute.models.ManagedDiskParameters;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.azure.resourcemanager.compute.models.NetworkProfile;
import com.azure.resourcemanager.compute.models.OSDisk;
import com.azure.resourcemanager.compute.models.OSProfile;
import com.azure.resourcemanager.compute.models.SshConfiguration;
import com.azure.resourcemanager.compute.models.SshPublicKey;
import com.azure.resourcemanager.compute.models.StorageAccountTypes;
import com.azure.resourcemanager.compute.models.StorageProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineSizeTypes;
import dev.kiln.api.KilnException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * The VM as ARM's PUT takes it (learn.microsoft.com/rest/api/compute/virtual-machines/create-or-update): the image
 * by id, {@code deleteOption=Delete} on the OS disk, every data disk and the NIC (the public IP carries its own), so
 * deleting the VM removes them; managed boot diagnostics; base64 userData. Specialized images get no osProfile;
 * Generalized ones an admin user with an SSH key (ARM requires one) and, on request, customData.
 */
final class VmSpec {

    private VmSpec() {
    }

    static VirtualMachineInner of(VmPlan plan, RunImage.Resolved image, String nicId, String location) {
        StorageProfile storage = new StorageProfile()
                .withImageReference(new ImageReference().withId(image.id()))
                .withOsDisk(new OSDisk().withName(plan.osDisk()).withCreateOption(DiskCreateOptionTypes.FROM_IMAGE)
                        .withManagedDisk(new ManagedDiskParameters()
                                .withStorageAccountType(StorageAccountTypes.fromString(plan.osDiskType())))
                        .withDeleteOption(DiskDeleteOptionTypes.DELETE))
                .withDataDisks(plan.disks().stream().map(d -> new DataDisk().withLun(d.lun()).withName(d.name())
                        .withCreateOption(DiskCreateOptionTypes.EMPTY).withDiskSizeGB(d.sizeGiB())
                        .withManagedDisk(new ManagedDiskParameters()
                                .withStorageAccountType(StorageAccountTypes.fromString(d.sku())))
                        .withDeleteOption(DiskDeleteOptionTypes.DELETE)).toList());
        plan.controller().ifPresent(c -> storage.withDiskControllerType(DiskControllerTypes.fromString(c)));
        VirtualMachineInner vm = new VirtualMachineInner().withLocation(location).withTags(plan.tags())
                .withHardwareProfile(new HardwareProfile().withVmSize(VirtualMachineSizeTypes.fromString(plan.size())))
                .withStorageProfile(storage)
                .withNetworkProfile(new NetworkProfile().withNetworkInterfaces(List.of(new NetworkInterfaceReference()
                        .withId(nicId).withPrimary(true).withDeleteOption(DeleteOptions.DELETE))))
                .withDiagnosticsProfile(new DiagnosticsProfile().withBootDiagnostics(new BootDiagnostics()
                        .withEnabled(true)));
        plan.userData().ifPresent(vm::withUserData);
        if (image.specialized()) {
            if (plan.customData().isPresent()) {
                throw KilnException.usage("--custom-data needs a Generalized image (it travels in the OS profile, "
                        + "which Specialized images do not get); pass the data with --userdata instead");
            }
        } else {
            vm.withOsProfile(osProfile(plan));
        }
        return vm;
    }

    private static OSProfile osProfile(VmPlan plan) {
        String key = plan.sshKey().map(VmSpec::read).orElseThrow(() -> KilnException.usage("The image is "
                + "Generalized, so ARM requires an admin user with an SSH key: pass --ssh-key FILE (a public key such "
                + "as ~/.ssh/id_ed25519.pub), or push the image Specialized (the default of 'kiln push azure')"));
        OSProfile os = new OSProfile().withComputerName(plan.computerName()).withAdminUsername(plan.adminUser())
                .withLinuxConfiguration(new LinuxConfiguration().withDisablePasswordAuthentication(true)
                        .withSsh(new SshConfiguration().withPublicKeys(List.of(new SshPublicKey()
                                .withPath("/home/" + plan.adminUser() + "/.ssh/authorized_keys").withKeyData(key)))));
        plan.customData().ifPresent(os::withCustomData);
        return os;
    }

    private static String read(java.nio.file.Path file) {
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!key.startsWith("ssh-") && !key.startsWith("ecdsa-")) {
                throw KilnException.usage("--ssh-key " + file + " is not an OpenSSH public key (ssh-ed25519 ..., "
                        + "ssh-rsa ...); pass the .pub file");
            }
            return key;
        } catch (IOException e) {
            throw KilnException.usage("cannot read --ssh-key " + file + ": " + e.getMessage());
        }
    }
}
