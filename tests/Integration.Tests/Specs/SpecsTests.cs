using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Specs;

namespace Integration.Tests.Specs;

/// <summary>One running default deployment (broker and datafeed on two servers) for every spec test.</summary>
public sealed class SpecsStack : IAsyncLifetime
{
    public TestStack Stack { get; } = new(p => Configs.Default(p));

    public string Specs => Path.Combine(Stack.Directory, "specs");

    public string Gateway => $"http://127.0.0.1:{Stack.Ports.Gateway}";

    private readonly SemaphoreSlim _clientsGate = new(1, 1);
    private ClientGenerator? _clients;

    public async Task InitializeAsync() => await Stack.RunOkAsync("Start");

    public async Task DisposeAsync() => await Stack.DisposeAsync();

    /// <summary>The clients of the running deployment's specs, generated once for the tests that use them.</summary>
    public async Task<ClientGenerator> ClientsAsync()
    {
        await _clientsGate.WaitAsync();
        try
        {
            if (_clients is not null) return _clients;
            var config = Orchestration.Config.ConfigLoader.LoadOrThrow(Stack.ConfigPath);
            var generator = new ClientGenerator(SpecLayout.For(config, NpmFolder.ClientTools), _ => { });
            var result = await generator.GenerateAsync(force: false, CancellationToken.None);
            Assert.True(result.Generated);
            return _clients = generator;
        }
        finally
        {
            _clientsGate.Release();
        }
    }
}

public sealed class SpecsTests(SpecsStack fixture) : IClassFixture<SpecsStack>
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Start_writes_a_spec_per_module_and_the_gateway_serves_every_module_whatever_server_hosts_it()
    {
        foreach (var file in new[] { "core/v1/openapi.json", "broker/v1/openapi.json", "broker/v1/asyncapi.json", "datafeed/v1/openapi.json", "datafeed/v1/asyncapi.json" })
            Assert.True(File.Exists(Path.Combine(fixture.Specs, file)), $"{file} was not written");
        var broker = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Specs, "broker/v1/openapi.json")))!;
        Assert.All(broker["paths"]!.AsObject(), p => Assert.StartsWith("/api/v1/broker/", p.Key));

        // Broker and datafeed run on different servers; the deployment's documents have both.
        var openApi = JsonNode.Parse(await Http.GetStringAsync($"{fixture.Gateway}/api/openapi.json"))!;
        Assert.NotNull(openApi["paths"]!["/api/v1/broker/orders"]);
        Assert.NotNull(openApi["paths"]!["/api/v1/datafeed/quotes"]);
        var asyncApi = JsonNode.Parse(await Http.GetStringAsync($"{fixture.Gateway}/api/asyncapi.json"))!;
        Assert.Equal(["broker", "datafeed"], asyncApi["channels"]!.AsObject().Select(c => c.Key));
        Assert.NotNull(asyncApi["components"]!["messages"]!["datafeed_quotes_update"]);
        using var docs = await Http.GetAsync($"{fixture.Gateway}/api/docs");
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("asyncapi.json", await docs.Content.ReadAsStringAsync());

        // core/docs (any instance's page) loads core/openapi.json through the gateway: every module, not the first server's.
        var coreDocument = JsonNode.Parse(await Http.GetStringAsync($"{fixture.Gateway}/api/v1/core/openapi.json"))!;
        Assert.NotNull(coreDocument["paths"]!["/api/v1/datafeed/bars"]);
    }

    [Fact]
    public async Task A_Start_with_the_same_config_and_builds_skips_reading_the_documents_and_one_that_finds_a_spec_file_gone_writes_it_again()
    {
        await fixture.Stack.RunOkAsync("Stop");
        var again = await fixture.Stack.RunOkAsync("Start");
        Assert.True(again.Output.Contains("specs: up to date"), again.Output);

        var file = Path.Combine(fixture.Specs, "datafeed", "v1", "openapi.json");
        var original = File.ReadAllText(file);
        File.Delete(file);
        await fixture.Stack.RunOkAsync("Stop");
        var rewritten = await fixture.Stack.RunOkAsync("Start");
        Assert.Contains("specs: 1 file(s) changed", rewritten.Output);
        Assert.Equal(original, File.ReadAllText(file));
    }

    [Fact]
    public async Task GenerateSpecs_check_agrees_with_what_Start_wrote_and_lists_an_operation_the_code_lost_as_breaking()
    {
        // Without starting anything (the backend run with --emit-specs), the same files as from the running instances.
        var same = await fixture.Stack.RunAsync(["GenerateSpecs", "--check"], TimeSpan.FromMinutes(4), CancellationToken.None);
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("are up to date", same.Output);

        var file = Path.Combine(fixture.Specs, "broker", "v1", "openapi.json");
        var original = File.ReadAllText(file);
        try
        {
            var document = JsonNode.Parse(original)!;
            document["paths"]!["/api/v1/broker/legacy"] = JsonNode.Parse("""{"get":{"operationId":"broker_legacy","responses":{"200":{"description":"OK"}}}}""");
            File.WriteAllText(file, document.ToJsonString());
            var stale = await fixture.Stack.RunAsync(["GenerateSpecs", "--check"], TimeSpan.FromMinutes(4), CancellationToken.None);
            Assert.True(stale.ExitCode != 0, stale.ToString());
            Assert.Contains("specs are stale, run ./build.sh GenerateSpecs", stale.Output);
            Assert.Contains("broker/v1/openapi.json: operation removed: GET /api/v1/broker/legacy", stale.Output);
            Assert.Equal(document.ToJsonString(), File.ReadAllText(file)); // --check writes nothing
        }
        finally
        {
            File.WriteAllText(file, original);
        }
    }

    [Fact]
    public async Task The_openapi_files_pass_redocly_lint_and_the_asyncapi_files_the_asyncapi_parser()
    {
        var openApis = Directory.GetFiles(fixture.Specs, "openapi.json", SearchOption.AllDirectories).Where(f => !f.Contains("/clients/")).ToList();
        var asyncApis = Directory.GetFiles(fixture.Specs, "asyncapi.json", SearchOption.AllDirectories).ToList();
        Assert.Equal(4, openApis.Count);
        Assert.Equal(3, asyncApis.Count);
        var lint = await NpmFolder.NodeAsync(NpmFolder.Validate, "@redocly/cli",
            [Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", "--config", "redocly.yaml", .. openApis]);
        Assert.True(lint.ExitCode == 0, lint.ToString());
        var validate = await NpmFolder.NodeAsync(NpmFolder.Validate, "@asyncapi/parser", ["validate-asyncapi.mjs", .. asyncApis]);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Equal(3, validate.Output.Split('\n').Count(l => l.Contains(": valid (", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_generated_csharp_client_places_an_order_reads_it_back_and_lists_quotes_through_the_gateway()
    {
        var clients = await fixture.ClientsAsync();
        var project = Path.Combine(fixture.Stack.Directory, "client-use");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "ClientUse.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>disable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <Compile Include="{clients.CSharpPath}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), $$"""
            using {{clients.Namespace}};
            var http = new HttpClient { BaseAddress = new Uri(args[0]) };
            var broker = new BrokerClient(http);
            var placed = await broker.PlaceOrderAsync(new PlaceOrderRequest { Symbol = "AAPL", Side = "buy", Type = "limit", Quantity = 3, LimitPrice = 1 });
            Order read = await broker.GetOrderAsync(placed.Id);
            QuotesResponse quotes = await new DatafeedClient(http).QuotesAsync("AAPL,MSFT");
            Console.WriteLine($"order {read.Id} {read.Symbol} {read.Side} {read.Status} {read.Quantity} {read.LimitPrice}");
            Console.WriteLine($"quotes {string.Join(",", quotes.Quotes.Select(q => q.Symbol))} {quotes.Quotes.All(q => q.Last > 0)}");
            """);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = await Cli.Wrap("dotnet").WithArguments(["run", "--project", project, "--", fixture.Gateway])
            .WithEnvironmentVariables(e => e.Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1").Set("DOTNET_NOLOGO", "1"))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
        var output = run.StandardOutput + run.StandardError;
        Assert.True(run.ExitCode == 0, output);
        Assert.Matches(@"order ord-\d+ AAPL Buy Working 3 1", output);
        Assert.Contains("quotes AAPL,MSFT True", output);
    }

    [Fact]
    public async Task The_typescript_client_type_checks_a_usage_file_with_tsc_and_rejects_a_wrong_field_type()
    {
        var clients = await fixture.ClientsAsync();
        var folder = Path.GetDirectoryName(clients.TypeScriptPath)!;
        File.WriteAllText(Path.Combine(folder, "usage.ts"), """
            import type { paths, components } from './schema';

            type PlaceOrder = paths['/api/v1/broker/orders']['post']['requestBody']['content']['application/json'];
            type Order = components['schemas']['Order'];
            type Quotes = paths['/api/v1/datafeed/quotes']['get']['responses'][200]['content']['application/json'];

            export const order: PlaceOrder = { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 3, limit_price: 180 };
            export const status: Order['status'] = 'working';
            export const symbols = (q: Quotes): string[] => (q.quotes ?? []).map(x => x.symbol ?? '');
            // @ts-expect-error quantity is a number, not a string
            export const wrong: PlaceOrder = { symbol: 'AAPL', side: 'buy', quantity: 'ten' };
            // @ts-expect-error an order status is one of working, filled, cancelled
            export const unknown: Order['status'] = 'lost';
            """);
        var tsc = await NpmFolder.NodeAsync(NpmFolder.ClientTools, "typescript",
            [Path.Combine(NpmFolder.ClientTools, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict", "usage.ts"], folder);
        Assert.True(tsc.ExitCode == 0, tsc.ToString());
    }
}
