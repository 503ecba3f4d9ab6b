package io.heapfleet.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The proof and the task-bound credentials, against the test vectors of docs/proof.md. */
class TaskCredentialsTest {

  private static final Secret SECRET = Secret.of("correct-horse-battery-staple-0123456789", false);
  private static final TaskCredentials CREDS = TaskCredentials.of(SECRET, "heapdump");
  private static final String TASK = "158d1c8083dd49d6b527399fd6414f5c";
  private static final String CHALLENGE = "00112233445566778899aabbccddeeff";
  private static final String NONCE = "ffeeddccbbaa99887766554433221100";
  private static final Instant HOUR = Instant.parse("2026-11-22T01:00:00.000Z");

  @Test
  void withAPreviousSecretAProofByEitherIsAcceptedAndNamesTheSecretThatMadeIt() {
    TaskCredentials rotated =
        TaskCredentials.of(Secret.of("the-new-secret-after-rotation-0123456789", false), "heapdump")
            .withPrevious(SECRET);
    String oldProof = CREDS.proof(CHALLENGE, NONCE, TASK);
    String newProof = rotated.proof(CHALLENGE, NONCE, TASK);
    assertThat(newProof).isNotEqualTo(oldProof); // made with the current secret

    TaskCredentials byOld = rotated.proofMatchedBy(oldProof, CHALLENGE, NONCE, TASK).orElseThrow();
    assertThat(byOld.capture(TASK, NONCE)).isEqualTo(CREDS.capture(TASK, NONCE));
    TaskCredentials byNew = rotated.proofMatchedBy(newProof, CHALLENGE, NONCE, TASK).orElseThrow();
    assertThat(byNew.capture(TASK, NONCE)).isEqualTo(rotated.capture(TASK, NONCE));
    assertThat(byNew.previous()).isEmpty();
    assertThat(CREDS.proofMatchedBy(newProof, CHALLENGE, NONCE, TASK)).isEmpty();

    // The endpoint side: a capture credential made with either secret opens it.
    assertThat(rotated.captureMatches(CREDS.capture(TASK, NONCE), TASK, NONCE)).isTrue();
    assertThat(rotated.captureMatches(rotated.capture(TASK, NONCE), TASK, NONCE)).isTrue();
    assertThat(CREDS.captureMatches(rotated.capture(TASK, NONCE), TASK, NONCE)).isFalse();
    assertThat(rotated.toString()).doesNotContain("correct-horse").contains("previous=");
  }

  @Test
  void proofMatchesTheDocumentedVector() {
    assertThat(CREDS.proof(CHALLENGE, NONCE, TASK))
        .isEqualTo("1e86f748c95cb12e94f0e82bf2b8cab174f3734e8d5b7f02c0399490544522a1");
  }

  @Test
  void captureMatchesTheDocumentedVector() {
    assertThat(CREDS.capture(TASK, NONCE))
        .isEqualTo("c386205de42f25e0530aae3e36147415f56ebc3fd5896bb491615609ba957814");
  }

  @Test
  void taskTokenMatchesTheDocumentedVectorForAnyInstantOfTheHour() {
    String expected = "c647fc62a406105f9e85885b0be140f36ad804cb6485a60899d279e0cf52c32d";
    assertThat(CREDS.taskToken(TASK, HOUR)).isEqualTo(expected);
    assertThat(CREDS.taskToken(TASK, HOUR.plusSeconds(3599))).isEqualTo(expected);
    assertThat(CREDS.taskToken(TASK, HOUR.plusSeconds(3600))).isNotEqualTo(expected);
  }

  @Test
  void credentialsAreBoundToTheTaskId() {
    assertThat(CREDS.captureMatches(CREDS.capture(TASK, NONCE), TASK, NONCE)).isTrue();
    assertThat(CREDS.captureMatches(CREDS.capture(TASK, NONCE), "another-task", NONCE)).isFalse();
    assertThat(CREDS.taskToken("another-task", HOUR)).isNotEqualTo(CREDS.taskToken(TASK, HOUR));
    assertThat(CREDS.proofMatches(CREDS.proof(CHALLENGE, NONCE, TASK), CHALLENGE, NONCE, "x"))
        .isFalse();
  }

  @Test
  void aProofMadeWithAnotherSecretOrChallengeDoesNotMatch() {
    TaskCredentials other =
        TaskCredentials.of(Secret.of("another-secret-that-is-long-enough-000", false), "heapdump");
    String forged = other.proof(CHALLENGE, NONCE, TASK);
    assertThat(CREDS.proofMatches(forged, CHALLENGE, NONCE, TASK)).isFalse();
    String real = CREDS.proof(CHALLENGE, NONCE, TASK);
    assertThat(CREDS.proofMatches(real, CHALLENGE, NONCE, TASK)).isTrue();
    assertThat(CREDS.proofMatches(real, "00112233445566778899aabbccddeefe", NONCE, TASK)).isFalse();
  }

  @Test
  void malformedInputFromTheOtherSideIsFalseNotAnException() {
    String real = CREDS.proof(CHALLENGE, NONCE, TASK);
    assertThat(CREDS.proofMatches(real.toUpperCase(), CHALLENGE, NONCE, TASK)).isFalse();
    assertThat(CREDS.proofMatches(real, CHALLENGE, NONCE, "a\r\nb")).isFalse();
    assertThat(CREDS.proofMatches(real, CHALLENGE, NONCE, "a".repeat(300))).isFalse();
    assertThat(CREDS.proofMatches(null, CHALLENGE, NONCE, TASK)).isFalse();
    assertThat(CREDS.captureMatches(real, TASK, "short")).isFalse();
  }

  @Test
  void fieldsWithControlCharactersAreRefusedWhenMakingCredentials() {
    assertThatThrownBy(() -> CREDS.capture("a\nb", NONCE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskCredentials.of(SECRET, "heap\ndump"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CREDS.proof("0011", NONCE, TASK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void challengesAndNoncesAreCheckedForShape() {
    assertThat(TaskCredentials.isValidChallenge(CHALLENGE)).isTrue();
    assertThat(TaskCredentials.isValidChallenge(CHALLENGE + CHALLENGE)).isTrue();
    assertThat(TaskCredentials.isValidChallenge(CHALLENGE + CHALLENGE + "0")).isFalse();
    assertThat(TaskCredentials.isValidChallenge(CHALLENGE.toUpperCase())).isFalse();
    assertThat(TaskCredentials.isValidNonce(TaskCredentials.randomHex())).isTrue();
    assertThat(TaskCredentials.randomHex()).isNotEqualTo(TaskCredentials.randomHex());
  }

  @Test
  void taskTokenVerifierUsesTheHourlyWindowsForItsOwnTaskOnly() {
    Clock fiveMinutesIn = Clock.fixed(HOUR.plusSeconds(3600 + 240), ZoneOffset.UTC);
    TokenVerifier verifier = CREDS.taskTokenVerifier(TASK).clock(fiveMinutesIn).build();
    assertThat(verifier.verify(CREDS.taskToken(TASK, HOUR)))
        .isEqualTo(TokenCheck.VALID_PREVIOUS_HOUR);
    assertThat(verifier.verify(CREDS.taskToken("another-task", HOUR)))
        .isEqualTo(TokenCheck.MISMATCH);
    assertThat(verifier.verify(HourlyToken.compute(SECRET, "heapdump", HOUR)))
        .isEqualTo(TokenCheck.MISMATCH);
    Clock later = Clock.fixed(HOUR.plusSeconds(3600 + 360), ZoneOffset.UTC);
    assertThat(
            CREDS.taskTokenVerifier(TASK).clock(later).build().verify(CREDS.taskToken(TASK, HOUR)))
        .isEqualTo(TokenCheck.MISMATCH);
  }
}
