using TradingApi.Hosting;

var builder = WebApplication.CreateSlimBuilder(HostingExtensions.WithoutConfigReload(args));
builder.AddTradingApi();
var app = builder.Build();
return app.RunTradingApi();

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
