package dev.kiln.azure;

import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceInner;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.NetworkSecurityGroupInner;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import com.azure.resourcemanager.network.fluent.models.SecurityRuleInner;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.fluent.models.VirtualNetworkInner;
import com.azure.resourcemanager.network.models.AddressSpace;
import com.azure.resourcemanager.network.models.DeleteOptions;
import com.azure.resourcemanager.network.models.IpAllocationMethod;
import com.azure.resourcemanager.network.models.PublicIpAddressSku;
import com.azure.resourcemanager.network.models.PublicIpAddressSkuName;
import com.azure.resourcemanager.network.models.SecurityRuleAccess;
import com.azure.resourcemanager.network.models.SecurityRuleDirection;
import com.azure.resourcemanager.network.models.SecurityRuleProtocol;
import dev.kiln.api.CancelToken;
import dev.kiln.api.Retry;
import dev.kiln.spi.Cleanup;
import dev.kiln.spi.Resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VM's network, made in the order ARM needs it: a network security group letting in the {@code --allow} ports,
 * the virtual network (used when it exists, else made), a Standard public IP with {@code deleteOption=Delete}, and
 * the NIC. Each is tagged and has its undo step; what was made is listed for the result.
 */
final class VmNetwork {

    private static final String PREFIX = "Microsoft.Network";

    /** What the VM attaches to, and the undo steps of what was made, in the order they were made. */
    record Made(String nicId, Optional<String> publicIpName, List<Resource> resources, List<Cleanup.Handle> handles) {
    }

    private final AzureConnection azure;
    private final Retry calls;
    private final Retry cleanupRetry;
    private final Cleanup cleanup;
    private final CancelToken cancel;

    VmNetwork(AzureConnection azure, Retry calls, Retry cleanupRetry, Cleanup cleanup, CancelToken cancel) {
        this.azure = azure;
        this.calls = calls;
        this.cleanupRetry = cleanupRetry;
        this.cleanup = cleanup;
        this.cancel = cancel;
    }

    Made create(VmPlan plan) throws InterruptedException {
        String rg = azure.resourceGroup();
        List<Resource> made = new ArrayList<>();
        List<Cleanup.Handle> handles = new ArrayList<>();
        String nsg = plan.nsg();
        NetworkSecurityGroupInner group = calls.call("create network security group " + nsg,
                () -> azure.network().getNetworkSecurityGroups().createOrUpdate(rg, nsg, securityGroup(plan)));
        handles.add(undo("network security group " + nsg, "az network nsg delete -g " + rg + " -n " + nsg,
                () -> azure.network().getNetworkSecurityGroups().delete(rg, nsg)));
        made.add(Resource.of("network security group", id(group.id(), "networkSecurityGroups", nsg), azure.location()));
        cancel.throwIfCancelled();

        String subnetId = subnet(plan, made, handles);
        cancel.throwIfCancelled();

        Optional<String> ipId = Optional.empty();
        if (plan.publicIp()) {
            String ip = plan.publicIpName();
            PublicIpAddressInner address = calls.call("create public IP " + ip, () -> azure.network()
                    .getPublicIpAddresses().createOrUpdate(rg, ip, new PublicIpAddressInner()
                            .withLocation(azure.location()).withTags(plan.tags())
                            .withSku(new PublicIpAddressSku().withName(PublicIpAddressSkuName.STANDARD))
                            .withPublicIpAllocationMethod(IpAllocationMethod.STATIC)
                            .withDeleteOption(DeleteOptions.DELETE)));
            handles.add(undo("public IP " + ip, "az network public-ip delete -g " + rg + " -n " + ip,
                    () -> azure.network().getPublicIpAddresses().delete(rg, ip)));
            ipId = Optional.of(id(address.id(), "publicIPAddresses", ip));
            made.add(Resource.of("public IP", ipId.get(), azure.location()));
            cancel.throwIfCancelled();
        }

        String nic = plan.nic();
        NetworkInterfaceIpConfigurationInner config = new NetworkInterfaceIpConfigurationInner().withName("ipconfig1")
                .withPrimary(true).withSubnet(new SubnetInner().withId(subnetId))
                .withPrivateIpAllocationMethod(IpAllocationMethod.DYNAMIC);
        ipId.ifPresent(id -> config.withPublicIpAddress(new PublicIpAddressInner().withId(id)));
        NetworkInterfaceInner spec = new NetworkInterfaceInner().withLocation(azure.location()).withTags(plan.tags())
                .withNetworkSecurityGroup(new NetworkSecurityGroupInner().withId(made.get(0).id()))
                .withIpConfigurations(List.of(config));
        NetworkInterfaceInner card = calls.call("create network interface " + nic,
                () -> azure.network().getNetworkInterfaces().createOrUpdate(rg, nic, spec));
        handles.add(undo("network interface " + nic, "az network nic delete -g " + rg + " -n " + nic,
                () -> azure.network().getNetworkInterfaces().delete(rg, nic)));
        String nicId = id(card.id(), "networkInterfaces", nic);
        made.add(Resource.of("network interface", nicId, azure.location()));
        return new Made(nicId, plan.publicIp() ? Optional.of(plan.publicIpName()) : Optional.empty(), made, handles);
    }

    /** The subnet's id: of {@code --vnet} when it exists (kept), else of a virtual network made for this VM. */
    private String subnet(VmPlan plan, List<Resource> made, List<Cleanup.Handle> handles) throws InterruptedException {
        String rg = azure.resourceGroup();
        String vnet = plan.vnetName();
        if (plan.vnet().isPresent()) {
            try {
                SubnetInner existing = calls.call("get subnet " + plan.subnet() + " of " + vnet,
                        () -> azure.network().getSubnets().get(rg, vnet, plan.subnet()));
                return id(existing.id(), "virtualNetworks", vnet + "/subnets/" + plan.subnet());
            } catch (RuntimeException e) {
                if (!AzureErrors.notFound(e)) {
                    throw e;
                }
            }
            if (exists(vnet)) {
                throw dev.kiln.api.KilnException.usage("virtual network " + vnet + " has no subnet " + plan.subnet()
                        + "; pass --subnet with one of its subnets (az network vnet subnet list -g " + rg
                        + " --vnet-name " + vnet + ")");
            }
        }
        VirtualNetworkInner spec = new VirtualNetworkInner().withLocation(azure.location()).withTags(plan.tags())
                .withAddressSpace(new AddressSpace().withAddressPrefixes(List.of("10.0.0.0/16")))
                .withSubnets(List.of(new SubnetInner().withName(plan.subnet()).withAddressPrefix("10.0.0.0/24")));
        VirtualNetworkInner network = calls.call("create virtual network " + vnet,
                () -> azure.network().getVirtualNetworks().createOrUpdate(rg, vnet, spec));
        handles.add(undo("virtual network " + vnet, "az network vnet delete -g " + rg + " -n " + vnet,
                () -> azure.network().getVirtualNetworks().delete(rg, vnet)));
        String vnetId = id(network.id(), "virtualNetworks", vnet);
        made.add(Resource.of("virtual network", vnetId, azure.location()));
        return vnetId + "/subnets/" + plan.subnet();
    }

    private boolean exists(String vnet) throws InterruptedException {
        try {
            calls.call("get virtual network " + vnet,
                    () -> azure.network().getVirtualNetworks().getByResourceGroup(azure.resourceGroup(), vnet));
            return true;
        } catch (RuntimeException e) {
            if (AzureErrors.notFound(e)) {
                return false;
            }
            throw e;
        }
    }

    private NetworkSecurityGroupInner securityGroup(VmPlan plan) {
        List<SecurityRuleInner> rules = new ArrayList<>();
        for (int i = 0; i < plan.allow().size(); i++) {
            int port = plan.allow().get(i);
            rules.add(new SecurityRuleInner().withName("kiln-allow-tcp-" + port).withPriority(1000 + 10 * i)
                    .withDirection(SecurityRuleDirection.INBOUND).withAccess(SecurityRuleAccess.ALLOW)
                    .withProtocol(SecurityRuleProtocol.TCP).withSourceAddressPrefix("*").withSourcePortRange("*")
                    .withDestinationAddressPrefix("*").withDestinationPortRange(String.valueOf(port)));
        }
        return new NetworkSecurityGroupInner().withLocation(azure.location()).withTags(plan.tags())
                .withSecurityRules(rules);
    }

    /** The undo step of something just made; a 404 on delete means it is gone already. */
    private Cleanup.Handle undo(String what, String manual, Runnable delete) {
        return cleanup.add(what, manual, () -> AzurePush.gone(cleanupRetry, "delete " + what, delete));
    }

    /** ARM's id of what was made; built from the name when a response lacks it. */
    private String id(String answered, String type, String name) {
        return answered != null ? answered : azure.id(PREFIX, type, name);
    }

    static Map<String, String> addresses(AzureConnection azure, Retry calls, VmPlan plan) throws InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        NetworkInterfaceInner nic = calls.call("get network interface " + plan.nic(),
                () -> azure.network().getNetworkInterfaces().getByResourceGroup(azure.resourceGroup(), plan.nic()));
        if (nic.ipConfigurations() != null && !nic.ipConfigurations().isEmpty()
                && nic.ipConfigurations().get(0).privateIpAddress() != null) {
            out.put("private_ipv4", nic.ipConfigurations().get(0).privateIpAddress());
        }
        if (plan.publicIp()) {
            PublicIpAddressInner ip = calls.call("get public IP " + plan.publicIpName(), () -> azure.network()
                    .getPublicIpAddresses().getByResourceGroup(azure.resourceGroup(), plan.publicIpName()));
            if (ip.ipAddress() != null) {
                out.put("public_ipv4", ip.ipAddress());
            }
        }
        return out;
    }
}
