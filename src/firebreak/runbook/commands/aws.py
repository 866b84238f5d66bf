"""The AWS CLI: service and operation names tell reading from changing and deleting."""

from __future__ import annotations

import re

from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    destructive,
    mutating,
    needs_terminal,
    read_only,
)

TAKES_VALUE = frozenset({"--region", "--profile", "--output", "--query", "--endpoint-url", "--cli-read-timeout",
                         "--cli-connect-timeout", "--color", "--ca-bundle", "--cli-binary-format"})
SERVICES = frozenset([
    "accessanalyzer", "acm", "acm-pca", "amp", "amplify", "apigateway", "apigatewayv2", "appconfig",
    "application-autoscaling", "appmesh", "apprunner", "appstream", "appsync", "athena", "autoscaling",
    "autoscaling-plans", "backup", "batch", "bedrock", "budgets", "ce", "cloud9", "cloudcontrol",
    "cloudformation", "cloudfront", "cloudhsmv2", "cloudsearch", "cloudtrail", "cloudwatch", "codeartifact",
    "codebuild", "codecommit", "codedeploy", "codepipeline", "codestar-connections", "cognito-identity",
    "cognito-idp", "comprehend", "config", "configure", "configservice", "connect", "datasync", "dax",
    "deploy", "devicefarm", "directconnect", "dlm", "dms", "docdb", "ds", "dynamodb", "dynamodbstreams",
    "ebs", "ec2", "ec2-instance-connect", "ecr", "ecr-public", "ecs", "efs", "eks", "elasticache",
    "elasticbeanstalk", "elastictranscoder", "elb", "elbv2", "emr", "emr-containers", "es", "events",
    "firehose", "fis", "fms", "fsx", "glacier", "globalaccelerator", "glue", "guardduty", "health", "iam",
    "imagebuilder", "inspector", "inspector2", "iot", "kafka", "kendra", "kinesis", "kinesisanalytics",
    "kms", "lakeformation", "lambda", "lightsail", "logs", "memorydb", "mq", "neptune", "network-firewall",
    "networkmanager", "opensearch", "organizations", "outposts", "pi", "pinpoint", "pricing", "qldb", "ram",
    "rds", "rds-data", "redshift", "redshift-data", "rekognition", "resource-groups",
    "resourcegroupstaggingapi", "route53", "route53domains", "route53resolver", "s3", "s3api", "s3control",
    "sagemaker", "savingsplans", "scheduler", "secretsmanager", "securityhub", "serverlessrepo",
    "service-quotas", "servicecatalog", "servicediscovery", "ses", "sesv2", "shield", "signer", "sns",
    "sqs", "ssm", "ssm-incidents", "sso", "sso-admin", "stepfunctions", "storagegateway", "sts", "support",
    "swf", "textract", "timestream-query", "timestream-write", "transcribe", "transfer", "translate", "waf",
    "waf-regional", "wafv2", "workspaces", "xray", "help", "history"
])
READ_PREFIXES = ("describe-", "get-", "list-", "lookup-", "search-", "batch-get-", "head-", "validate-",
                 "estimate-", "filter-", "query", "scan", "download-db-log-file-portion", "simulate-",
                 "check-", "preview-", "view-", "test-dns-answer", "generate-credential-report", "wait")
DESTROY_PREFIXES = ("delete-", "terminate-", "remove-", "deregister-", "purge-", "destroy-", "release-",
                    "failover-", "test-failover", "batch-delete-")
S3_COMMANDS = {"ls": "read", "presign": "read", "cp": "change", "mv": "change", "mb": "change",
               "website": "change", "sync": "change", "rm": "destroy", "rb": "destroy"}


def service_and_operation(call: Call) -> tuple[str, str]:
    """The AWS service and the operation right after it (`aws [global options] SERVICE OPERATION …`)."""
    index = 0
    argv = call.argv
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in TAKES_VALUE else 1
    service = argv[index] if index < len(argv) else ""
    operation = argv[index + 1] if index + 1 < len(argv) and not argv[index + 1].startswith("-") else ""
    return service, operation


def assess_aws(call: Call, ctx: Context) -> Verdict:
    """The verdict on an `aws …` command line."""
    service, operation = service_and_operation(call)
    label = f"aws {service} {operation}".strip()
    if not service or (service in ("help", "configure") and operation in ("", "list", "get")):
        return read_only(f"{label} changes nothing")
    if call.has("--dry-run") and service != "s3":
        return read_only(f"{label} --dry-run changes nothing")
    if service == "s3":
        kind = S3_COMMANDS.get(operation, "change")
        if kind == "read":
            return read_only(f"{label} only lists or signs")
        if operation == "sync" and call.has("--delete"):
            return destructive(f"{label} --delete removes destination files missing from the source")
        if kind == "destroy":
            return destructive(f"{label} deletes objects or buckets")
        return mutating(f"{label} writes objects")
    if service == "logs" and operation == "tail":
        base = read_only(f"{label} reads log events")
        return needs_terminal(base, f"{label} --follow runs until interrupted") if call.has("--follow") else base
    if re.match(r"reboot-", operation) and call.has("--force-failover"):
        return destructive(f"{label} --force-failover forces a failover to the standby")
    if operation.startswith(READ_PREFIXES) or operation in READ_PREFIXES:
        return read_only(f"{label} only reads")
    if operation.startswith(DESTROY_PREFIXES):
        if operation.startswith(("failover-", "test-failover")):
            return destructive(f"{label} forces a failover")
        return destructive(f"{label} deletes or detaches resources")
    if not operation:
        return mutating(f"{label} with no operation; treated as changing state")
    return mutating(f"{label} changes AWS resources")
