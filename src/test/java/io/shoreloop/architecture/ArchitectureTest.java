package io.shoreloop.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.idempotency.Idempotent;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * House-style rule 10, "architecture is a test": the package-by-feature boundaries of
 * {@code docs/architecture.md}, checked on the compiled main classes.
 */
@AnalyzeClasses(packages = "io.shoreloop", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "io.shoreloop";

    /** Every feature package (some do not exist yet; the rules hold for them as soon as they do). */
    private static final String[] FEATURES = {
        "registry",
        "calls",
        "identity",
        "ingest",
        "demo",
        "manifest",
        "ledger",
        "shorepower",
        "compliance",
        "report",
        "web"
    };

    private static final String PLATFORM = ROOT + ".platform..";

    /** (a) Cross-cutting code knows no feature. */
    @ArchTest
    static final ArchRule platformImportsNoFeature = noClasses()
            .that()
            .resideInAPackage(PLATFORM)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(featurePackages())
            .because("platform is cross-cutting only (architecture.md, layout and rule 10)");

    /** (b) The MQTT adapter calls shore power through its service API (the top-level package) only. */
    @ArchTest
    static final ArchRule ingestUsesOnlyTheShorePowerApi = noClasses()
            .that()
            .resideInAPackage(ROOT + ".ingest..")
            .should()
            .dependOnClassesThat(resideInAPackage(ROOT + ".shorepower..")
                    .and(not(resideInAPackage(ROOT + ".shorepower")))
                    .as("reside in a sub-package of " + ROOT + ".shorepower"))
            .because("ingest is the MQTT adapter only and calls shorepower's service API (rule 10)")
            .allowEmptyShould(true);

    /** (c) A feature's {@code rest} package is its own business. */
    @ArchTest
    static final ArchRule noFeatureUsesAnothersRestPackage = classes()
            .that()
            .resideInAPackage(ROOT + "..")
            .should(notDependOnAnotherFeaturesRestPackage())
            .because("no feature depends on another's rest package (rule 10)");

    /** (d) Calls build on the registry, never the other way round. */
    @ArchTest
    static final ArchRule registryDoesNotKnowCalls = noClasses()
            .that()
            .resideInAPackage(ROOT + ".registry..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage(ROOT + ".calls..")
            .because("calls depend on master data, not the reverse");

    /** (e) The authorisation policy stands on its own (besides the platform). */
    @ArchTest
    static final ArchRule identityDependsOnNoOtherFeature = noClasses()
            .that()
            .resideInAPackage(ROOT + ".identity..")
            .should()
            .dependOnClassesThat(resideInAPackage(ROOT + "..")
                    .and(not(resideInAnyPackage(ROOT + ".identity..", PLATFORM)))
                    .as("reside in another feature of " + ROOT))
            .because("every feature asks identity who may do what; identity asks nobody");

    /** (f) Thin resources: transactions belong on the service (rules 5 and 6). */
    @ArchTest
    static final ArchRule resourceClassesAreNotTransactional = classes()
            .that()
            .areAnnotatedWith("jakarta.ws.rs.Path")
            .should()
            .notBeAnnotatedWith("jakarta.transaction.Transactional")
            .because("transactions are declared on the service class (rule 6)");

    /** (f) ... nor are their methods. */
    @ArchTest
    static final ArchRule resourceMethodsAreNotTransactional = methods()
            .that()
            .areDeclaredInClassesThat()
            .areAnnotatedWith("jakarta.ws.rs.Path")
            .should()
            .notBeAnnotatedWith("jakarta.transaction.Transactional")
            .because("transactions are declared on the service class (rule 6)");

    /**
     * An idempotent method answers a {@link RestResponse}: the interceptor answers the stored JSON (the first answer,
     * or its replay), and a method declaring its entity's type would fail the CDI wrapper's cast after its effect had
     * committed, on every retry too (a bureau's review and a fault's end did, with a key).
     */
    @ArchTest
    static final ArchRule idempotentMethodsAnswerRestResponses = methods()
            .that()
            .areAnnotatedWith(Idempotent.class)
            .should()
            .haveRawReturnType(RestResponse.class)
            .because("the idempotency interceptor answers the stored JSON as a response");

    /** (g) Features form a directed graph. */
    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = slices().matching(ROOT + ".(*)..")
            .should()
            .beFreeOfCycles()
            .because("a cycle between features makes both one feature in disguise");

    /** (h) One error vocabulary: every unchecked exception a feature throws is a domain exception (rule 8). */
    @ArchTest
    static final ArchRule featureExceptionsAreDomainExceptions = classes()
            .that()
            .resideInAnyPackage(featurePackages())
            .and()
            .areAssignableTo(RuntimeException.class)
            .should()
            .beAssignableTo(DomainException.class)
            .because("one mapper turns domain exceptions into problem+json (rule 8)")
            .allowEmptyShould(true);

    /** (h) ... named as facts ({@code ManifestNotReceivable}), not as exceptions. */
    @ArchTest
    static final ArchRule domainExceptionsAreNamedAsFacts = classes()
            .that()
            .areAssignableTo(DomainException.class)
            .and()
            .doNotHaveFullyQualifiedName(DomainException.class.getName())
            .should()
            .haveSimpleNameNotEndingWith("Exception")
            .because("domain exceptions are named as facts (rule 8)");

    private static String[] featurePackages() {
        return Arrays.stream(FEATURES).map(f -> ROOT + "." + f + "..").toArray(String[]::new);
    }

    private static final Pattern REST = Pattern.compile(Pattern.quote(ROOT) + "\\.([^.]+)\\.rest(\\..*)?");
    private static final Pattern FEATURE = Pattern.compile(Pattern.quote(ROOT) + "\\.([^.]+).*");

    private static ArchCondition<JavaClass> notDependOnAnotherFeaturesRestPackage() {
        return new ArchCondition<>("not depend on another feature's rest package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Matcher own = FEATURE.matcher(origin.getPackageName());
                String ownFeature = own.matches() ? own.group(1) : "";
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    Matcher target = REST.matcher(
                            dependency.getTargetClass().getBaseComponentType().getPackageName());
                    if (target.matches() && !target.group(1).equals(ownFeature)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }
}
