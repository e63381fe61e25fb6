package dev.kiln.gcp;

import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Scheduling;
import com.google.cloud.compute.v1.ServiceAccount;
import com.google.cloud.compute.v1.ShieldedInstanceConfig;

import java.util.UUID;

/**
 * instances.insert (cloud.google.com/compute/docs/reference/rest/v1/instances/insert). Extra disks
 * are made inline with initializeParams and autoDelete, so GCE removes them with the instance. The instance and
 * its disks carry kiln's labels (kiln-name, kiln-image, kiln-version), by which {@code kiln ls} finds them.
 */
final class InsertInstance {

    private final InstancesClient instances;
    private final GcpCalls calls;

    InsertInstance(InstancesClient instances, GcpCalls calls) {
        this.instances = instances;
        this.calls = calls;
    }

    Operation insert(InstancePlan plan) throws InterruptedException {
        InsertInstanceRequest request = InsertInstanceRequest.newBuilder()
                .setProject(plan.project()).setZone(plan.zone())
                .setRequestId(UUID.randomUUID().toString())
                .setInstanceResource(instance(plan))
                .build();
        return calls.call("create instance " + plan.name() + " in " + plan.zone(),
                () -> instances.insertCallable().call(request));
    }

    static Instance instance(InstancePlan plan) {
        Instance.Builder b = Instance.newBuilder()
                .setName(plan.name())
                .setMachineType("zones/" + plan.zone() + "/machineTypes/" + plan.machine())
                .addDisks(bootDisk(plan))
                .addNetworkInterfaces(network(plan))
                .setMetadata(metadata(plan))
                .putAllLabels(plan.labels())
                .addServiceAccounts(ServiceAccount.newBuilder()
                        .setEmail(plan.serviceAccount().orElse("default")).addAllScopes(plan.scopes()));
        for (int i = 1; i <= plan.disks().size(); i++) {
            DiskSpec disk = plan.disks().get(i - 1);
            b.addDisks(AttachedDisk.newBuilder().setAutoDelete(true).setDeviceName("disk-" + i)
                    .setInitializeParams(AttachedDiskInitializeParams.newBuilder().setDiskName(plan.diskName(i))
                            .setDiskSizeGb(disk.sizeGb()).setDiskType(diskType(plan, disk.type()))
                            .putAllLabels(plan.labels())));
        }
        if (plan.shielded()) {
            b.setShieldedInstanceConfig(ShieldedInstanceConfig.newBuilder().setEnableSecureBoot(plan.secureBoot())
                    .setEnableVtpm(plan.vtpm()).setEnableIntegrityMonitoring(plan.integrityMonitoring()));
        }
        if (plan.spot()) {
            b.setScheduling(Scheduling.newBuilder().setProvisioningModel("SPOT")
                    .setInstanceTerminationAction("STOP").setOnHostMaintenance("TERMINATE")
                    .setAutomaticRestart(false));
        }
        return b.build();
    }

    private static AttachedDisk bootDisk(InstancePlan plan) {
        AttachedDiskInitializeParams.Builder init = AttachedDiskInitializeParams.newBuilder()
                .setDiskName(plan.name()).setSourceImage(plan.image()).putAllLabels(plan.labels())
                .setDiskType(diskType(plan, plan.bootDiskType()));
        plan.bootDiskSizeGb().ifPresent(init::setDiskSizeGb);
        return AttachedDisk.newBuilder().setBoot(true).setAutoDelete(true).setInitializeParams(init).build();
    }

    private static NetworkInterface network(InstancePlan plan) {
        NetworkInterface.Builder nic = NetworkInterface.newBuilder()
                .setNetwork(plan.network().contains("/") ? plan.network() : "global/networks/" + plan.network());
        plan.subnetwork().ifPresent(s -> nic.setSubnetwork(s.contains("/") ? s
                : "regions/" + plan.region() + "/subnetworks/" + s));
        if (plan.externalIp()) {
            nic.addAccessConfigs(AccessConfig.newBuilder().setName("External NAT").setType("ONE_TO_ONE_NAT"));
        }
        return nic.build();
    }

    /** user-data is the key LinuxKit's metadata package reads on GCP (pkg/metadata/provider_gcp.go). */
    private static Metadata metadata(InstancePlan plan) {
        Metadata.Builder m = Metadata.newBuilder();
        plan.userdata().ifPresent(u -> m.addItems(Items.newBuilder().setKey("user-data").setValue(u)));
        if (plan.serialPortEnable()) {
            m.addItems(Items.newBuilder().setKey("serial-port-enable").setValue("true"));
        }
        return m.build();
    }

    private static String diskType(InstancePlan plan, String type) {
        return type.contains("/") ? type : "zones/" + plan.zone() + "/diskTypes/" + type;
    }
}
