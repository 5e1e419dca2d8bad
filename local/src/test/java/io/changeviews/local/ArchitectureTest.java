package io.changeviews.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import io.changeviews.connectors.ddb.DdbValue;
import io.changeviews.job.ChangeViewsJob;
import java.net.URISyntaxException;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of all three modules: no cycles, and nothing but the local stack reaches
 * into it.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // The three modules' own class folders or jars only: scanning the whole classpath takes 20
        // s.
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importLocations(
                                Set.of(
                                        location(DdbValue.class),
                                        location(ChangeViewsJob.class),
                                        location(LocalRunner.class)));
    }

    private static Location location(Class<?> moduleClass) {
        try {
            return Location.of(
                    moduleClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void allThreeModulesAreImported() {
        assertThat(classes.containPackage("io.changeviews.connectors.ddb")).isTrue();
        assertThat(classes.containPackage("io.changeviews.job.normalize")).isTrue();
        assertThat(classes.containPackage("io.changeviews.local")).isTrue();
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.changeviews.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheLocalStackUsesTheLocalStack() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.changeviews.local..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.changeviews.local..")
                .check(classes);
    }

    @Test
    void connectorsDoNotKnowTheJob() {
        noClasses()
                .that()
                .resideInAPackage("io.changeviews.connectors..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.changeviews.job..")
                .check(classes);
    }
}
