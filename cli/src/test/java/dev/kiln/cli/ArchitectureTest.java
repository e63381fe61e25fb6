package dev.kiln.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The CLI finds providers at run time only: it never imports one. */
class ArchitectureTest {

    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.kiln.cli");

    @Test
    void theCliImportsNoProvider() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.kiln.aws..", "dev.kiln.gcp..",
                "dev.kiln.qemu..", "software.amazon..", "com.google.cloud..", "com.azure..").check(CLI);
    }
}
