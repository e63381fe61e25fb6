package dev.kiln;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The core's package rules: no cycles between its packages, and no provider, SPI or cloud SDK in it. */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kiln.build", "dev.kiln.boot", "dev.kiln.config", "dev.kiln.core", "dev.kiln.disk",
                    "dev.kiln.oci", "dev.kiln.rootfs");

    @Test
    void thePackagesOfTheCoreHaveNoCycles() {
        slices().matching("dev.kiln.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void theCoreImportsNoProviderSpiOrCloudSdk() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.kiln.spi..", "dev.kiln.cli..",
                        "dev.kiln.aws..", "dev.kiln.gcp..", "dev.kiln.qemu..", "dev.kiln.azure..",
                        "dev.kiln.openstack..", "dev.kiln.vcenter..", "dev.kiln.packet..", "software.amazon..",
                        "com.google.cloud..", "com.google.api..", "com.azure..", "picocli..")
                .check(CORE);
    }
}
