package io.litemodel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The layering of the production code, read from its class files with ArchUnit (docs/api.md, "Layers"): no two
 * packages of {@code io.litemodel} depend on each other, directly or around a loop, so loading only goes down; the
 * root package is the public API and names no runtime; the wings beside the runtimes use the public API only.
 */
class ArchitectureTest {
  private static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.litemodel");

  /** Each package on its own, the root included (slices by pattern would leave the root's classes out). */
  private static final SliceAssignment EVERY_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      return SliceIdentifier.of(javaClass.getPackageName());
    }

    @Override
    public String getDescription() {
      return "every package of io.litemodel";
    }
  };

  /** The packages built on the public API alone, so each works with every runtime. */
  private static final String[] WINGS = {"io.litemodel.batch..", "io.litemodel.image..", "io.litemodel.io..",
      "io.litemodel.serving..", "io.litemodel.load..", "io.litemodel.cli..", "io.litemodel.spark..",
      "io.litemodel.open.."};

  @Test
  void packagesAreFreeOfCycles() {
    slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(PRODUCTION);
  }

  @Test
  void theRootPackageNamesNoRuntime() {
    classes().that().resideInAPackage("io.litemodel")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.litemodel", "java..")
        .because("the root package is the public API: runtimes live in io.litemodel.internal.* and are found "
            + "through the LiteModelBackend service")
        .check(PRODUCTION);
  }

  @Test
  void theRootPackageHoldsOnlyApiTypesAndTheirPlumbing() {
    Set<String> hidden = new TreeSet<>();
    for (JavaClass type : PRODUCTION) {
      if (type.getPackageName().equals("io.litemodel") && type.isTopLevelClass()
          && !type.getModifiers().contains(JavaModifier.PUBLIC)) {
        hidden.add(type.getSimpleName());
      }
    }
    // The settings types' base and text form, and the service lookup: each serves the public types alone. Anything
    // else that is not API belongs in a package of its subsystem under io.litemodel.internal.
    assertEquals(Set.of("Backends", "OptionsCodec", "Settings"), hidden);
  }

  @Test
  void theWingsUseThePublicApiOnly() {
    noClasses().that().resideInAnyPackage(WINGS)
        .should().dependOnClassesThat().resideInAPackage("io.litemodel.internal..")
        .check(PRODUCTION);
  }
}
