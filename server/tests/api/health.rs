use crate::helpers::spawn_app;

#[tokio::test]
async fn health_check_answers_ok_when_the_database_is_reachable() {
    let app = spawn_app().await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}
