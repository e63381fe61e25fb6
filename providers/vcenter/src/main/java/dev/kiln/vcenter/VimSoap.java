package dev.kiln.vcenter;

import dev.kiln.api.KilnException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few vSphere Web Services (SOAP, {@code /sdk}) calls kiln needs where REST has no answer: on vCenter 6.5-7.0
 * and vcsim there is no REST inventory, so a datastore's managed object id (what a library's storage backing
 * names) comes from RetrieveServiceContent, Login, CreateContainerView and RetrievePropertiesEx.
 * Hand-written envelopes: no SOAP stack for a handful of calls.
 */
final class VimSoap {

    private static final Pattern SET_COOKIE = Pattern.compile("vmware_soap_session=(\"[^\"]*\"|[^;]*)");

    private final VcenterConnection connection;
    private final URI sdk;
    private String cookie;
    private Map<String, String> content;

    VimSoap(VcenterConnection connection) {
        this.connection = connection;
        this.sdk = connection.base().resolve("/sdk");
    }

    /** Logs in; the service content's morefs (rootFolder, propertyCollector, viewManager...) are kept. */
    void login() throws InterruptedException {
        String sc = call("read the vCenter service content",
                "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">ServiceInstance</_this>"
                        + "</RetrieveServiceContent>");
        content = new LinkedHashMap<>();
        for (String key : new String[]{"rootFolder", "propertyCollector", "viewManager", "sessionManager",
                "fileManager"}) {
            Matcher m = Pattern.compile("<" + key + " type=\"[^\"]+\">([^<]+)</" + key + ">").matcher(sc);
            if (!m.find()) {
                throw KilnException.tried("read the vCenter service content", "its answer has no " + key,
                        "check --url points at vCenter");
            }
            content.put(key, m.group(1));
        }
        call("log in to " + connection.base() + " (SOAP) as " + connection.username(),
                "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + content.get("sessionManager")
                        + "</_this><userName>" + xml(connection.username()) + "</userName><password>"
                        + xml(connection.password()) + "</password></Login>");
    }

    /** The moref id of the managed object of {@code type} (Datastore, Datacenter...) named {@code name}. */
    Optional<String> find(String type, String name) throws InterruptedException {
        if (content == null) {
            login();
        }
        return findIn("Folder", content.get("rootFolder"), type, name);
    }

    /** As {@link #find}, among what the datacenter of moref {@code datacenter} holds. */
    Optional<String> findInDatacenter(String datacenter, String type, String name) throws InterruptedException {
        if (content == null) {
            login();
        }
        return findIn("Datacenter", xml(datacenter), type, name);
    }

    private Optional<String> findIn(String containerType, String container, String type, String name)
            throws InterruptedException {
        return names(containerType, container, type).entrySet().stream().filter(e -> e.getValue().equals(name))
                .map(java.util.Map.Entry::getKey).findFirst();
    }

    /** Every object of {@code type}: moref to name. */
    Map<String, String> all(String type) throws InterruptedException {
        if (content == null) {
            login();
        }
        return names("Folder", content.get("rootFolder"), type);
    }

    /** Every object of {@code type} in the datacenter of moref {@code datacenter}: moref to name. */
    Map<String, String> allInDatacenter(String datacenter, String type) throws InterruptedException {
        if (content == null) {
            login();
        }
        return names("Datacenter", xml(datacenter), type);
    }

    private Map<String, String> names(String containerType, String container, String type)
            throws InterruptedException {
        String view = value(call("list " + type + " objects", "<CreateContainerView xmlns=\"urn:vim25\">"
                + "<_this type=\"ViewManager\">" + content.get("viewManager") + "</_this>"
                + "<container type=\"" + containerType + "\">" + container + "</container>"
                + "<type>" + type + "</type><recursive>true</recursive></CreateContainerView>"), "returnval");
        String answer = call("list " + type + " names", "<RetrievePropertiesEx xmlns=\"urn:vim25\">"
                + "<_this type=\"PropertyCollector\">" + content.get("propertyCollector") + "</_this>"
                + "<specSet><propSet><type>" + type + "</type><pathSet>name</pathSet></propSet>"
                + "<objectSet><obj type=\"ContainerView\">" + view + "</obj><skip>true</skip>"
                + "<selectSet xsi:type=\"TraversalSpec\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                + "<name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>"
                + "</objectSet></specSet><options/></RetrievePropertiesEx>");
        Matcher m = Pattern.compile("<objects><obj type=\"[^\"]+\">([^<]+)</obj>.*?<val[^>]*>([^<]*)</val>",
                Pattern.DOTALL).matcher(answer);
        Map<String, String> out = new LinkedHashMap<>();
        while (m.find()) {
            out.put(unxml(m.group(1)), unxml(m.group(2)));
        }
        return out;
    }

    /**
     * The {@code [DS] folder/file} paths on datastore {@code datastore} (moref; {@code name} its name) of the files
     * matching {@code pattern}, in every folder (HostDatastoreBrowser.SearchDatastoreSubFolders_Task).
     */
    List<String> search(String datastore, String name, String pattern, dev.kiln.api.Poll poll)
            throws InterruptedException {
        String browser = reference("Datastore", datastore, "browser")[1];
        String what = "search [" + name + "] for " + pattern;
        String task = value(call(what, "<SearchDatastoreSubFolders_Task xmlns=\"urn:vim25\"><_this"
                + " type=\"HostDatastoreBrowser\">" + xml(browser) + "</_this><datastorePath>[" + xml(name)
                + "]</datastorePath><searchSpec><matchPattern>" + xml(pattern) + "</matchPattern></searchSpec>"
                + "</SearchDatastoreSubFolders_Task>"), "returnval");
        waitTask(task, what, poll);
        List<String> out = new java.util.ArrayList<>();
        String result = property("Task", task, "info.result");
        Matcher folder = Pattern.compile("<folderPath>([^<]*)</folderPath>(.*?)(?=<folderPath>|$)", Pattern.DOTALL)
                .matcher(result);
        while (folder.find()) {
            // "[DS] kiln/", "[DS] /kiln" (vcsim) or "[DS]": written as "[DS] kiln/" and "[DS] "
            String dir = unxml(folder.group(1)).replaceFirst("^(\\[[^\\]]*\\])\\s*/*", "$1 ").replaceFirst("/*$", "");
            String prefix = dir.endsWith(" ") ? dir : dir + "/";
            Matcher file = Pattern.compile("<path>([^<]*)</path>").matcher(folder.group(2));
            while (file.find()) {
                out.add(prefix + unxml(file.group(1)));
            }
        }
        return out;
    }

    /** The raw answer of reading {@code path} of one managed object, e.g. runtime.powerState of a VM. */
    String property(String type, String moref, String path) throws InterruptedException {
        if (content == null) {
            login();
        }
        return call("read " + path + " of " + moref, "<RetrievePropertiesEx xmlns=\"urn:vim25\">"
                + "<_this type=\"PropertyCollector\">" + content.get("propertyCollector") + "</_this>"
                + "<specSet><propSet><type>" + type + "</type><pathSet>" + path + "</pathSet></propSet>"
                + "<objectSet><obj type=\"" + type + "\">" + xml(moref) + "</obj><skip>false</skip></objectSet>"
                + "</specSet><options/></RetrievePropertiesEx>");
    }

    /** The text value of a simple property. */
    String text(String type, String moref, String path) throws InterruptedException {
        Matcher m = Pattern.compile("<val[^>]*>([^<]*)</val>").matcher(property(type, moref, path));
        return m.find() ? unxml(m.group(1)) : "";
    }

    /** The moref a property holds, e.g. the resourcePool of a cluster or the parent of a host, as [type, id]. */
    String[] reference(String type, String moref, String path) throws InterruptedException {
        Matcher m = Pattern.compile("<val[^>]*\\stype=\"([^\"]+)\"[^>]*>([^<]*)</val>").matcher(property(type, moref, path));
        if (!m.find()) {
            throw KilnException.tried("read " + path + " of " + moref, "vCenter has no such reference", "");
        }
        return new String[]{m.group(1), unxml(m.group(2))};
    }

    /**
     * CreateVM_Task in {@code folder} on {@code pool} (and {@code host} unless null), {@code config} being the
     * inside of a VirtualMachineConfigSpec; answers the new VM's moref.
     */
    String createVm(String folder, String pool, String host, String config, dev.kiln.api.Poll poll)
            throws InterruptedException {
        if (content == null) {
            login();
        }
        String what = "create a virtual machine in " + folder;
        String task = value(call(what, "<CreateVM_Task xmlns=\"urn:vim25\" xmlns:xsi="
                + "\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
                + "<_this type=\"Folder\">" + xml(folder) + "</_this><config>" + config + "</config>"
                + "<pool type=\"ResourcePool\">" + xml(pool) + "</pool>"
                + (host == null ? "" : "<host type=\"HostSystem\">" + xml(host) + "</host>") + "</CreateVM_Task>"),
                "returnval");
        waitTask(task, what, poll);
        return reference("Task", task, "info.result")[1];
    }

    /**
     * ReconfigVM_Task: the devices to add ({@link VmDevices}), ExtraConfig entries (guestinfo.*) and the firmware
     * (efi or bios; null leaves it), then waits for the task.
     */
    void reconfigure(String vm, String firmware, java.util.Map<String, String> extraConfig, VmDevices devices,
                     dev.kiln.api.Poll poll) throws InterruptedException {
        StringBuilder spec = new StringBuilder();
        if (devices != null) {
            spec.append(devices.xml());
        }
        extraConfig.forEach((k, v) -> spec.append("<extraConfig><key>").append(xml(k))
                .append("</key><value xsi:type=\"xsd:string\">").append(xml(v)).append("</value></extraConfig>"));
        if (firmware != null) {
            spec.append("<firmware>").append(firmware).append("</firmware>");
        }
        String task = value(call("reconfigure " + vm, "<ReconfigVM_Task xmlns=\"urn:vim25\" xmlns:xsi="
                + "\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
                + "<_this type=\"VirtualMachine\">" + xml(vm) + "</_this><spec>" + spec + "</spec></ReconfigVM_Task>"),
                "returnval");
        waitTask(task, "reconfigure " + vm, poll);
    }

    /**
     * Deletes {@code [ds] path} with FileManager.DeleteDatastoreFile_Task (HTTP DELETE on /folder is not served
     * everywhere; vcsim answers it with the file). A file that is not there counts as deleted.
     */
    void deleteDatastoreFile(String dsPath, String datacenter, dev.kiln.api.Poll poll) throws InterruptedException {
        if (content == null) {
            login();
        }
        String dc = find("Datacenter", datacenter).orElseThrow(() -> KilnException.usage("There is no datacenter"
                + " named " + datacenter + "; check --datacenter"));
        String what = "delete " + dsPath;
        try {
            String task = value(call(what, "<DeleteDatastoreFile_Task xmlns=\"urn:vim25\"><_this type=\"FileManager\">"
                    + content.get("fileManager") + "</_this><name>" + xml(dsPath) + "</name><datacenter"
                    + " type=\"Datacenter\">" + xml(dc) + "</datacenter></DeleteDatastoreFile_Task>"), "returnval");
            waitTask(task, what, poll);
        } catch (KilnException e) {
            String m = String.valueOf(e.getMessage());
            if (!m.contains("not found") && !m.contains("FileNotFound") && !m.contains("was not found")) {
                throw e;
            }
        }
    }

    /**
     * Moves (renames) a datastore file over another with FileManager.MoveDatastoreFile_Task, {@code force}
     * replacing what is at the destination: how a datastore upload is made visible whole.
     */
    void moveDatastoreFile(String from, String to, String datacenter, dev.kiln.api.Poll poll)
            throws InterruptedException {
        if (content == null) {
            login();
        }
        String dc = find("Datacenter", datacenter).orElseThrow(() -> KilnException.usage("There is no datacenter"
                + " named " + datacenter + "; check --datacenter"));
        String what = "move " + from + " to " + to;
        String task = value(call(what, "<MoveDatastoreFile_Task xmlns=\"urn:vim25\"><_this type=\"FileManager\">"
                + content.get("fileManager") + "</_this><sourceName>" + xml(from) + "</sourceName><sourceDatacenter"
                + " type=\"Datacenter\">" + xml(dc) + "</sourceDatacenter><destinationName>" + xml(to)
                + "</destinationName><destinationDatacenter type=\"Datacenter\">" + xml(dc)
                + "</destinationDatacenter><force>true</force></MoveDatastoreFile_Task>"), "returnval");
        waitTask(task, what, poll);
    }

    void powerOn(String vm, dev.kiln.api.Poll poll) throws InterruptedException {
        vmTask("PowerOnVM_Task", vm, "power on " + vm, poll);
    }

    void powerOff(String vm, dev.kiln.api.Poll poll) throws InterruptedException {
        vmTask("PowerOffVM_Task", vm, "power off " + vm, poll);
    }

    void destroy(String vm, dev.kiln.api.Poll poll) throws InterruptedException {
        vmTask("Destroy_Task", vm, "delete " + vm, poll);
    }

    private void vmTask(String method, String vm, String what, dev.kiln.api.Poll poll) throws InterruptedException {
        if (content == null) {
            login();
        }
        String task = value(call(what, "<" + method + " xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">" + xml(vm)
                + "</_this></" + method + ">"), "returnval");
        waitTask(task, what, poll);
    }

    private void waitTask(String task, String what, dev.kiln.api.Poll poll) throws InterruptedException {
        poll.until(what, () -> {
            String state = text("Task", task, "info.state");
            if (state.equals("success")) {
                return Optional.of(state);
            }
            if (state.equals("error")) {
                String answer = property("Task", task, "info.error");
                Matcher m = Pattern.compile("<localizedMessage>([^<]*)</localizedMessage>").matcher(answer);
                throw KilnException.tried(what, "vCenter task " + task + " failed" + (m.find() ? ": "
                        + unxml(m.group(1)) : ""), "");
            }
            return Optional.empty();
        });
    }

    void logout() {
        if (cookie == null || content == null) {
            return;
        }
        try {
            call("log out", "<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + content.get("sessionManager")
                    + "</_this></Logout>");
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        cookie = null;
    }

    private String call(String what, String body) throws InterruptedException {
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv="
                + "\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>" + body
                + "</soapenv:Body></soapenv:Envelope>";
        HttpRequest.Builder b = HttpRequest.newBuilder(sdk).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:vim25/6.5")
                .POST(HttpRequest.BodyPublishers.ofString(envelope));
        if (cookie != null) {
            b.header("Cookie", "vmware_soap_session=" + cookie);
        }
        HttpResponse<String> r;
        try {
            r = connection.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw VcenterErrors.io(what, connection, e);
        }
        r.headers().allValues("Set-Cookie").forEach(h -> {
            Matcher m = SET_COOKIE.matcher(h);
            if (m.find()) {
                cookie = m.group(1);
            }
        });
        if (r.statusCode() != 200) {
            Matcher fault = Pattern.compile("<faultstring>([^<]*)</faultstring>").matcher(r.body());
            throw KilnException.tried(what, "vCenter answered HTTP " + r.statusCode()
                    + (fault.find() ? ": " + unxml(fault.group(1)) : ""), r.statusCode() == 500 && r.body()
                    .contains("InvalidLogin") ? "check --username and --password" : "");
        }
        return r.body();
    }

    private static String value(String answer, String element) {
        Matcher m = Pattern.compile("<" + element + "[^>]*>([^<]*)</" + element + ">").matcher(answer);
        if (!m.find()) {
            throw KilnException.tried("read a vCenter SOAP answer", "it has no " + element, "");
        }
        return unxml(m.group(1));
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String unxml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
