package io.heapfleet.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Template assertions on identity policies: "some {@code AWS::IAM::Policy} has statements like
 * these". Lives with infra's tests, not in the shared test-support module, so that only infra's
 * tests pull in the CDK. Stateless; thread-safe.
 */
final class PolicyTemplates {
  private PolicyTemplates() {}

  /**
   * Asserts that one {@code AWS::IAM::Policy} of {@code template} has, among its statements, one
   * like each of {@code statements} (each matched with {@link Match#objectLike}).
   */
  @SafeVarargs
  static void hasPolicyStatements(Template template, Map<String, Object>... statements) {
    List<Object> like = new java.util.ArrayList<>();
    for (Map<String, Object> s : statements) {
      like.add(Match.objectLike(s));
    }
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Match.objectLike(
            Map.of(
                "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(like))))));
  }
}
