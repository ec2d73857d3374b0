namespace Orchestration.Health;

/// <summary>Where a module answers its health check: <c>{base}{api_base_url}/{module}/health</c>.</summary>
public static class HealthUrls
{
    public static string For(string baseUrl, string apiBaseUrl, string module) => $"{baseUrl}{apiBaseUrl}/{module}/health";
}
