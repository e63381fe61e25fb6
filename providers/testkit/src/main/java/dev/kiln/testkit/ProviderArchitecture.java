package dev.kiln.testkit;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The rules every provider keeps: of kiln it imports only the api and the spi, and its packages have no cycles. */
public final class ProviderArchitecture {

    private ProviderArchitecture() {
    }

    /** Fails with ArchUnit's report when the provider in {@code rootPackage} breaks a rule. */
    public static void check(String rootPackage) {
        JavaClasses provider = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
        if (provider.isEmpty()) {
            // a provider that exists only among test classes (a test's fake cloud): its package is all it is
            provider = new ClassFileImporter().importPackages(rootPackage);
        }
        DescribedPredicate<JavaClass> kilnButApiAndSpi = resideInAnyPackage("dev.kiln.build..", "dev.kiln.boot..",
                "dev.kiln.config..", "dev.kiln.core..", "dev.kiln.disk..", "dev.kiln.oci..", "dev.kiln.rootfs..",
                "dev.kiln.cli..", "dev.kiln.testkit..", "picocli..")
                .and(DescribedPredicate.not(resideInAPackage(rootPackage + "..")));
        noClasses().should().dependOnClassesThat(kilnButApiAndSpi).check(provider);
        slices().matching(rootPackage + ".(**)").should().beFreeOfCycles().allowEmptyShould(true).check(provider);
    }
}
