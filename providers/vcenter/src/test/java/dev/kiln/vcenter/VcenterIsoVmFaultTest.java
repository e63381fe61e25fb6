package dev.kiln.vcenter;

import dev.kiln.api.KilnException;
import dev.kiln.api.Userdata;
import dev.kiln.spi.Provider;
import dev.kiln.spi.RunRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * run vcenter around a datastore ISO on vcsim, with vCenter refusing the VM's creation or its reconfiguration
 * (a SOAP fault from the proxy, as vCenter answers a device spec it does not take): nothing is left behind
 * (no VM, no uploaded cidata ISO), and the error says what was refused and what was removed.
 */
class VcenterIsoVmFaultTest {

    @TempDir
    Path tmp;

    private VcenterWorld world;
    private VimSoap soap;

    @BeforeEach
    void start() throws Exception {
        world = new VcenterWorld();
        world.putDatastoreFile("kiln/boot.iso", VcenterRunDevicesTest.isoBooting(0x00));
        soap = world.soap();
    }

    @AfterEach
    void stop() throws Exception {
        world.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CreateVM_Task", "ReconfigVM_Task"})
    void aRefusedVmAroundAnIsoLeavesNoVmAndNoCidataIso(String refused) throws Exception {
        world.proxy.refuseSoapOnce(refused);
        RunRequest request = RunRequest.of("[LocalDS_0] kiln/boot.iso", "faulty", false)
                .withUserdata(Userdata.ofText("#cloud-config\nhostname: faulty\n", "--userdata"));

        Throwable failure;
        try (Provider p = new VcenterProviderFactory().create(world.harness(tmp).runContext())) {
            failure = catchThrowable(() -> p.run(request));
        }

        List<String> calls = world.proxy.soapCalls();
        assertThat(calls).as("the refused call was made").contains(refused);
        assertThat(failure).isInstanceOf(KilnException.class)
                .hasMessageContaining("Invalid configuration for device '0'")
                .hasMessageContaining("[cleanup: removed ")
                .hasMessageContaining("cidata ISO [LocalDS_0] kiln/faulty-cidata.iso");
        assertThat(soap.find("VirtualMachine", "faulty")).isEmpty();
        assertThat(world.datastoreFile("kiln/faulty-cidata.iso")).as("the uploaded cidata ISO").isNull();
        assertThat(world.datastoreFile("kiln/boot.iso")).as("the image itself stays").isNotNull();
        List<String> after = calls.subList(calls.indexOf(refused) + 1, calls.size());
        assertThat(after).as("cleanup's calls").contains("DeleteDatastoreFile_Task");
        if (refused.equals("ReconfigVM_Task")) {
            assertThat(failure).hasMessageContaining("virtual machine vm-");
            assertThat(after).contains("Destroy_Task");
        } else {
            assertThat(after).doesNotContain("Destroy_Task");
            assertThat(failure.getMessage()).as("no VM was made, so cleanup names only the ISO it removed")
                    .endsWith("[cleanup: removed cidata ISO [LocalDS_0] kiln/faulty-cidata.iso]");
            assertThat(calls).doesNotContain("ReconfigVM_Task", "PowerOnVM_Task");
        }
    }
}
