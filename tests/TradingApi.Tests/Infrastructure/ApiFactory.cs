using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TradingApi.Tests.Infrastructure;

/// <summary>An in-process instance (TestServer) with the given modules and instance name.</summary>
public sealed class ApiFactory(string modules, string instance = "test-0", string? baseUrl = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ENABLED_MODULES", modules);
        builder.UseSetting("INSTANCE_NAME", instance);
        if (baseUrl is not null)
        {
            builder.UseSetting("API_BASE_URL", baseUrl);
        }
    }

    public HttpClient Client()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromSeconds(10); // every in-process request has a deadline
        return client;
    }
}

/// <summary>One shared instance per test class (xunit class fixtures need a parameterless type).</summary>
public sealed class BrokerApi() : IDisposable
{
    public ApiFactory Factory { get; } = new("core,broker", "broker-0");

    public void Dispose() => Factory.Dispose();
}

public sealed class DatafeedApi() : IDisposable
{
    public ApiFactory Factory { get; } = new("core,datafeed", "datafeed-0");

    public void Dispose() => Factory.Dispose();
}
