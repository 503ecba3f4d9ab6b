package io.heapfleet.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.CfnAlias;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The optional customer managed KMS key for the bucket and the two secrets. Written as the plain
 * CloudFormation resource with an explicit key policy because CDK's {@code Key} always gives the
 * account {@code kms:*}; here the account (and through it IAM policies) gets exactly the actions
 * needed to administer and use the key, so no policy in the stack has a wildcard action.
 */
public final class EncryptionKey extends Construct {
  /** Administration and use: what IAM policies in the account may be granted on this key. */
  static final List<String> ACCOUNT_ACTIONS =
      List.of(
          "kms:CancelKeyDeletion",
          "kms:CreateAlias",
          "kms:CreateGrant",
          "kms:Decrypt",
          "kms:DeleteAlias",
          "kms:DescribeKey",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:EnableKey",
          "kms:EnableKeyRotation",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListAliases",
          "kms:ListGrants",
          "kms:ListKeyPolicies",
          "kms:ListResourceTags",
          "kms:PutKeyPolicy",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
          "kms:RetireGrant",
          "kms:RevokeGrant",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateAlias",
          "kms:UpdateKeyDescription");

  private final IKey key;

  public EncryptionKey(Construct scope, String id, boolean retain) {
    super(scope, id);
    CfnKey cfn =
        CfnKey.Builder.create(this, "Key")
            .description("heapfleet: heap dumps bucket and secrets")
            .enableKeyRotation(true)
            .keyPolicy(
                Map.of(
                    "Version",
                    "2012-10-17",
                    "Statement",
                    List.of(
                        Map.of(
                            "Sid",
                            "AccountAdministersAndDelegatesToIam",
                            "Effect",
                            "Allow",
                            "Principal",
                            Map.of(
                                "AWS",
                                "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":root"),
                            "Action",
                            ACCOUNT_ACTIONS,
                            // In a key policy "*" means this key: AWS requires it there.
                            "Resource",
                            "*"))))
            .build();
    cfn.applyRemovalPolicy(retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    CfnAlias.Builder.create(this, "Alias")
        .aliasName("alias/heapfleet-" + Aws.STACK_NAME)
        .targetKeyId(cfn.getAttrKeyId())
        .build();
    key = Key.fromKeyArn(this, "Imported", cfn.getAttrArn());
  }

  /** The key, for encryption settings and grants. */
  public IKey key() {
    return key;
  }
}
