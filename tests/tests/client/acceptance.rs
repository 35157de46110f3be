//! Issue 13's acceptance against the signature-verifying test server: a program written as a
//! user writes one, with `alibabacloud-oos` (and its `testing` feature) and tokio only; and the
//! ten actions the published metadata lacks, each sent by its client method.

use alibabacloud_oos::testing::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Reply, TestServer, serve_examples,
};
use alibabacloud_oos::{Client, Config, Credentials, Error};

#[tokio::test]
async fn a_user_program_compiles_and_runs() -> Result<(), Error> {
    let server = TestServer::start().await.expect("the test server starts");
    serve_examples(&server);
    let config = Config::builder()
        .region("cn-hangzhou")
        .endpoint(server.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
            "test",
        ))
        .build()?;
    let client = Client::from_conf(config);

    // The list of instances is items, sent as the JSON the official SDK sends.
    let out = client
        .list_instance_patch_states()
        .region_id("cn-hangzhou")
        .instance_ids("i-bp1")
        .instance_ids("i-bp2")
        .send()
        .await?;
    let missing_count: Option<i32> = out.instance_patch_states()[0].missing_count;
    assert_eq!(missing_count, Some(0));

    // Tags are a map, one entry at a time.
    client
        .update_parameter()
        .name("p1")
        .value("v1")
        .tags("env", "prod")
        .send()
        .await?;

    // An entity that does not exist says so.
    server.enqueue(
        "GetTemplate",
        Reply::error(
            404,
            "EntityNotExists.Template",
            "The template does not exist.",
        ),
    );
    let error = client
        .get_template()
        .template_name("missing")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("GetTemplate"), "{error}");

    let requests = server.requests();
    assert!(requests.iter().all(|request| request.signature_verified));
    assert_eq!(requests[0].query["InstanceIds"], r#"["i-bp1","i-bp2"]"#);
    assert_eq!(requests[1].query["Tags"], r#"{"env":"prod"}"#);
    Ok(())
}

/// The ten actions of the official SDK that the published metadata lacks, in the order sent
/// below.
const ADDED_ACTIONS: [&str; 10] = [
    "AnalyzeGitRepository",
    "CreateChatConfiguration",
    "CreateDeployRevision",
    "DeleteChatConfiguration",
    "GetChatConfiguration",
    "ListChatConfigurations",
    "ListTaskExecutionInvocations",
    "StartDebugExecution",
    "UpdateChatConfiguration",
    "UpdateTemplateAttributes",
];

/// Every action of the official SDK, the ten the published metadata lacks included, is a
/// method of the client that sends that action, signed.
#[tokio::test]
async fn the_actions_the_metadata_lacks_are_methods_too() -> Result<(), Error> {
    let server = TestServer::start().await.expect("the test server starts");
    for action in ADDED_ACTIONS {
        server.set_default(action, Reply::json(200, r#"{"RequestId": "R-added"}"#));
    }
    let client = integration_tests::client(&server);
    client
        .analyze_git_repository()
        .owner("oos-user")
        .platform("github")
        .send()
        .await?;
    client.create_chat_configuration().send().await?;
    client
        .create_deploy_revision()
        .application_name("web-app")
        .send()
        .await?;
    client.delete_chat_configuration().send().await?;
    client.get_chat_configuration().send().await?;
    client.list_chat_configurations().send().await?;
    client.list_task_execution_invocations().send().await?;
    client.start_debug_execution().send().await?;
    client.update_chat_configuration().send().await?;
    client
        .update_template_attributes()
        .template_name("MyTemplate")
        .send()
        .await?;

    let requests = server.requests();
    let sent: Vec<&str> = requests
        .iter()
        .map(|request| request.action.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(sent, ADDED_ACTIONS);
    assert!(requests.iter().all(|request| request.signature_verified));
    assert_eq!(requests[0].query["Owner"], "oos-user");
    assert_eq!(requests[9].query["TemplateName"], "MyTemplate");
    Ok(())
}
