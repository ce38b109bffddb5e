package io.litemodel;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The layering of the production code, read from its class files with ArchUnit: no two packages of
 * {@code io.litemodel} depend on each other, directly or around a loop, so loading only goes down.
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

  @Test
  void packagesAreFreeOfCycles() {
    slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(PRODUCTION);
  }
}
