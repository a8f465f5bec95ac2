//! What a CloudTrail record looks like, for witnesses that read like one.
//!
//! When every selector of the patterns compared names a top-level field of
//! a CloudTrail record, witnesses are shaped as a record: the fields
//! CloudTrail always writes are present (with realistic values) whenever
//! the patterns allow it, values are taken from real records where one
//! fits, and the fields come in the order CloudTrail writes them. Only the
//! fields the patterns select appear.
//!
//! Source: the AWS CloudTrail user guide, "CloudTrail record contents"
//! (fields marked "Optional: False" are always written; `userIdentity.type`
//! is missing from some AWS service events, so it is not listed).

/// Top-level fields of a CloudTrail record, in the order CloudTrail writes them.
pub const RECORD_FIELDS: &[&str] = &[
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "serviceEventDetails",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
    "insightDetails",
];

/// Fields every CloudTrail record carries (dotted paths).
pub const ALWAYS_PRESENT: &[&str] = &[
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "eventID",
    "eventType",
    "recipientAccountId",
    "eventCategory",
];

/// Whether CloudTrail writes the field at this dotted path in every record.
pub fn always_present(path: &str) -> bool {
    ALWAYS_PRESENT.contains(&path)
}

/// Whether a witness should show the field when the patterns allow it:
/// the fields always written, and `userIdentity.type`, missing only from
/// some AWS service events.
pub fn usually_present(path: &str) -> bool {
    always_present(path) || path == "userIdentity.type"
}

/// Whether `name` is a top-level field of a CloudTrail record.
pub fn is_record_field(name: &str) -> bool {
    RECORD_FIELDS.contains(&name)
}

/// Values seen in real records for a dotted path, tried first when a
/// witness needs some text there.
pub fn samples(path: &str) -> &'static [&'static str] {
    match path {
        "eventVersion" => &["1.09"],
        "eventTime" => &["2024-05-01T12:00:00Z"],
        "eventSource" => &[
            "iam.amazonaws.com",
            "ec2.amazonaws.com",
            "s3.amazonaws.com",
            "kms.amazonaws.com",
            "signin.amazonaws.com",
            "sts.amazonaws.com",
        ],
        "eventName" => &["DescribeInstances", "ConsoleLogin", "GetCallerIdentity"],
        "awsRegion" => &["us-east-1"],
        "sourceIPAddress" => &["203.0.113.10", "delivery.logs.amazonaws.com"],
        "userAgent" => &["aws-cli/2.15.0"],
        "errorCode" => &[
            "AccessDenied",
            "Client.UnauthorizedOperation",
            "ThrottlingException",
        ],
        "errorMessage" => &["Failed authentication", "User is not authorized"],
        "eventType" => &["AwsApiCall", "AwsServiceEvent", "AwsConsoleSignIn"],
        "eventCategory" => &["Management"],
        "recipientAccountId" => &["123456789012"],
        "eventID" => &["3b6c8a51-8f0e-4c1c-9d3e-2f1a5b7c9d01"],
        "userIdentity.type" => &["IAMUser", "Root", "AssumedRole", "AWSService"],
        "userIdentity.invokedBy" => &["cloudformation.amazonaws.com"],
        "additionalEventData.MFAUsed" => &["No", "Yes"],
        "responseElements.ConsoleLogin" => &["Success", "Failure"],
        _ => &[],
    }
}

/// The position of a top-level field in a record (unknown fields last).
pub fn order(name: &str) -> usize {
    RECORD_FIELDS
        .iter()
        .position(|f| *f == name)
        .unwrap_or(RECORD_FIELDS.len())
}
