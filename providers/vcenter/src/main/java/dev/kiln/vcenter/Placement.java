package dev.kiln.vcenter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.KilnException;
import dev.kiln.spi.Options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@code run vcenter} puts a VM: {@code --resource-pool}, {@code --cluster}, {@code --host}, {@code --folder},
 * {@code --datastore} and {@code --network [OVF=]NAME} resolved by name to managed object ids over SOAP (vCenter
 * 6.5-7.0 has no REST inventory), as the deploy's target and deployment spec take them.
 *
 * @param pool      resource pool id
 * @param host      host id, or null
 * @param folder    VM folder id, or null (the datacenter's)
 * @param datastore datastore id, or null (vCenter chooses)
 * @param networks  network names as given: OVF network name (empty when not given) to vSphere network name
 * @param poolName  what the pool was asked as, for messages
 */
record Placement(String pool, String host, String folder, String datastore, List<Map.Entry<String, String>> networks,
                 Map<String, String> networkIds, String poolName) {

    /** kiln's OVF names its one network so (OvfDescriptor). */
    static final String KILN_OVF_NETWORK = "VM Network";

    static Placement resolve(VimSoap soap, Options options) throws InterruptedException {
        String host = null;
        String pool;
        String poolName;
        if (options.find(VcenterFlags.HOST).isPresent()) {
            String name = options.find(VcenterFlags.HOST).get();
            host = soap.find("HostSystem", name).orElseThrow(() -> KilnException.usage("There is no host named "
                    + name + "; check --host (govc ls /*/host lists them)"));
        }
        if (options.find(VcenterFlags.RESOURCE_POOL).isPresent()) {
            poolName = options.find(VcenterFlags.RESOURCE_POOL).get();
            pool = soap.find("ResourcePool", poolName).orElseThrow(() -> KilnException.usage(
                    "There is no resource pool named " + poolName + "; check --resource-pool"));
        } else if (options.find(VcenterFlags.CLUSTER).isPresent()) {
            String name = options.find(VcenterFlags.CLUSTER).get();
            String cluster = soap.find("ClusterComputeResource", name).orElseThrow(() -> KilnException.usage(
                    "There is no cluster named " + name + "; check --cluster"));
            pool = soap.reference("ClusterComputeResource", cluster, "resourcePool")[1];
            poolName = "cluster " + name;
        } else if (host != null) {
            String[] parent = soap.reference("HostSystem", host, "parent");
            pool = soap.reference(parent[0], parent[1], "resourcePool")[1];
            poolName = "host " + options.find(VcenterFlags.HOST).get();
        } else {
            poolName = "Resources";
            pool = soap.find("ResourcePool", poolName).orElseThrow(() -> KilnException.usage(
                    "There is no resource pool named Resources; pass --resource-pool, --cluster or --host"));
        }
        String folder = null;
        if (options.find(VcenterFlags.FOLDER).isPresent()) {
            String name = options.find(VcenterFlags.FOLDER).get();
            folder = soap.find("Folder", name).orElseThrow(() -> KilnException.usage("There is no folder named "
                    + name + "; check --folder"));
        }
        String datastore = null;
        if (options.find(VcenterFlags.DATASTORE).isPresent()) {
            String name = options.find(VcenterFlags.DATASTORE).get();
            datastore = soap.find("Datastore", name).orElseThrow(() -> KilnException.usage("There is no datastore"
                    + " named " + name + "; check --datastore"));
        }
        List<Map.Entry<String, String>> networks = new ArrayList<>();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String value : options.all(VcenterFlags.NETWORK)) {
            int eq = value.indexOf('=');
            String ovf = eq < 0 ? "" : value.substring(0, eq).trim();
            String name = eq < 0 ? value.trim() : value.substring(eq + 1).trim();
            if (name.isEmpty()) {
                throw KilnException.usage("--network " + value + ": name the vSphere network, e.g. --network"
                        + " 'VM Network=dvpg-prod'");
            }
            String id = soap.find("Network", name).orElseThrow(() -> KilnException.usage("There is no network or"
                    + " port group named " + name + "; check --network"));
            networks.add(Map.entry(ovf, name));
            ids.put(name, id);
        }
        return new Placement(pool, host, folder, datastore, List.copyOf(networks), Map.copyOf(ids), poolName);
    }

    /** The deploy's {@code target}. */
    ObjectNode target() {
        ObjectNode target = VcenterRest.JSON.createObjectNode().put("resource_pool_id", pool);
        if (host != null) {
            target.put("host_id", host);
        }
        if (folder != null) {
            target.put("folder_id", folder);
        }
        return target;
    }

    /**
     * Adds the datastore and network mappings to a deployment spec. A {@code --network} without {@code OVF=}
     * maps the template's networks in order ({@code templateNetworks}, from the deploy filter; kiln's one
     * network when the filter names none). /rest takes a map as a list of key/value pairs, /api as an object.
     */
    void addTo(ObjectNode spec, List<String> templateNetworks, VcenterRest.Dialect dialect) {
        if (datastore != null) {
            spec.put("default_datastore_id", datastore);
        }
        if (networks.isEmpty()) {
            return;
        }
        List<String> unnamed = new ArrayList<>(templateNetworks.isEmpty() ? List.of(KILN_OVF_NETWORK)
                : templateNetworks);
        Map<String, String> mappings = new LinkedHashMap<>();
        for (Map.Entry<String, String> n : networks) {
            String ovf = n.getKey();
            if (ovf.isEmpty()) {
                if (unnamed.isEmpty()) {
                    throw KilnException.usage("More --network values than the template has networks ("
                            + templateNetworks + "); name them as --network OVF=NAME");
                }
                ovf = unnamed.remove(0);
            } else {
                unnamed.remove(ovf);
            }
            mappings.put(ovf, networkIds.get(n.getValue()));
        }
        if (dialect == VcenterRest.Dialect.API) {
            ObjectNode map = spec.putObject("network_mappings");
            mappings.forEach(map::put);
        } else {
            var list = spec.putArray("network_mappings");
            mappings.forEach((k, v) -> list.addObject().put("key", k).put("value", v));
        }
    }

    /** The network names a template's deploy filter reports. */
    static List<String> filtered(JsonNode filter) {
        List<String> out = new ArrayList<>();
        filter.path("networks").forEach(n -> out.add(n.asText()));
        return out;
    }
}
