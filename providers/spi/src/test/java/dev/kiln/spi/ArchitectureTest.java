package dev.kiln.spi;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The SPI and the API are JDK types and each other only: what every provider's class loader shares. The JDK's
 * own HTTP server (module jdk.httpserver, an exported, supported API) counts as a JDK type: FileServer uses it.
 */
class ArchitectureTest {

    private static final JavaClasses SHARED = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.kiln.spi", "dev.kiln.api");

    @Test
    void apiAndSpiUseOnlyTheJdkAndEachOther() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "dev.kiln.api..",
                "dev.kiln.spi..", "com.sun.net.httpserver..").check(SHARED);
    }

    @Test
    void theApiDoesNotKnowTheSpi() {
        classes().that().resideInAPackage("dev.kiln.api..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "dev.kiln.api..").check(SHARED);
    }

    @Test
    void noCycles() {
        slices().matching("dev.kiln.(**)").should().beFreeOfCycles().check(SHARED);
    }
}
