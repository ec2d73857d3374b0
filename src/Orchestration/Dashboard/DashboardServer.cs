using System.Text.Json.Nodes;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Config;
using Orchestration.Lifecycle;
using Orchestration.Logs;

namespace Orchestration.Dashboard;

/// <summary>
/// The live dashboard, served by the supervisor on 127.0.0.1 only, on a port picked when the first
/// <c>./build.sh Dashboard</c> asks for it, behind a token of 32 random bytes that only the control
/// socket's owner learns (anyone else on the machine gets 401). The page (one embedded HTML file,
/// no build step) reads <c>/api/status</c> (Status --json's report, the same figures) each second
/// and streams <c>/api/logs</c>; its buttons run the Restart and Scale targets, so they take the
/// same path through the control socket as a developer's command. Nothing runs while no page is open.
/// </summary>
public sealed class DashboardServer : IDisposable
{
    private static readonly TimeSpan TargetTimeout = TimeSpan.FromMinutes(5);
    private readonly HttpListener _listener = new();
    private readonly string _configPath;
    private readonly LocalPaths _paths;
    private readonly byte[] _token = RandomNumberGenerator.GetBytes(32);
    private readonly SemaphoreSlim _operation = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private DeploymentConfig? _config;
    private DateTime _configWritten;

    /// <param name="buildProgram">How to run a target: the argv prefix of the build program the developer ran (dotnet _build.dll) and its folder.</param>
    public DashboardServer(string configPath, LocalPaths paths, IReadOnlyList<string> buildProgram, string workingDirectory)
    {
        _configPath = configPath;
        _paths = paths;
        BuildProgram = buildProgram;
        WorkingDirectory = workingDirectory;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port { get; }
    public IReadOnlyList<string> BuildProgram { get; set; }
    public string WorkingDirectory { get; set; }
    public string Token => Convert.ToHexStringLower(_token);
    public string Url => $"http://127.0.0.1:{Port}/?token={Token}";

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (!Authorised(context.Request))
            {
                await WriteAsync(response, 401, "text/plain", "401: this dashboard needs the token in the URL that ./build.sh Dashboard prints\n").ConfigureAwait(false);
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            var method = context.Request.HttpMethod;
            switch (method, path)
            {
                case ("GET", "/"):
                    await WriteAsync(response, 200, "text/html; charset=utf-8", Page.Value).ConfigureAwait(false);
                    break;
                case ("GET", "/api/status"):
                    await WriteAsync(response, 200, "application/json", await StatusJsonAsync().ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                case ("GET", "/api/logs"):
                    await StreamLogsAsync(context).ConfigureAwait(false);
                    break;
                case ("POST", "/api/restart"):
                    await OperationAsync(response, RestartArgs(context.Request.QueryString["name"])).ConfigureAwait(false);
                    break;
                case ("POST", "/api/scale"):
                    await OperationAsync(response, ScaleArgs(context.Request.QueryString["server"], context.Request.QueryString["instances"])).ConfigureAwait(false);
                    break;
                default:
                    await WriteAsync(response, 404, "text/plain", $"404: no {method} {path} here\n").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // the page went away mid-answer
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    private bool Authorised(HttpListenerRequest request)
    {
        var given = request.QueryString["token"] ?? "";
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(given);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(bytes, _token);
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string type, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = type;
        response.Headers["Cache-Control"] = "no-store";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>Status --json's report, from the config as it is on disk now (read again when it changes).</summary>
    private async Task<string> StatusJsonAsync()
    {
        var written = File.GetLastWriteTimeUtc(_configPath);
        if (_config is null || written != _configWritten)
        {
            var loaded = ConfigLoader.Load(_configPath);
            if (loaded.Config is { } config) { _config = config; _configWritten = written; }
            else if (_config is null) return new JsonObject { ["error"] = $"{_configPath} does not load: {string.Join("; ", loaded.Errors.Select(e => e.ToString()))}" }.ToJsonString();
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return StatusView.Json(await new StatusCommand(_config).RunAsync(timeout.Token).ConfigureAwait(false));
    }

    /// <summary>Server-sent events: the last entries that match the filters, then new lines as they are written, until the page goes.</summary>
    private async Task StreamLogsAsync(HttpListenerContext context)
    {
        var q = context.Request.QueryString;
        var query = new LogQuery(
            Blank(q["server"]), int.TryParse(q["instance"], out var i) ? i : null, Blank(q["level"]), Blank(q["grep"]));
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers["Cache-Control"] = "no-store";
        response.SendChunked = true;
        var stream = response.OutputStream;
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var pending = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });
        void Send(string process, string line) => pending.Writer.TryWrite("data: " + new JsonObject { ["process"] = process, ["line"] = line }.ToJsonString() + "\n\n");

        foreach (var entry in query.Run(_paths, 100).TakeLast(200))
            foreach (var line in entry.Lines) Send(entry.Process, line);
        pending.Writer.TryWrite(": following\n\n");
        var follow = new LogFollow(_paths.UnifiedLog, query, Send).RunAsync(gone.Token);
        try
        {
            while (!gone.IsCancellationRequested)
            {
                // A comment every 15 s finds out a page that went away while nothing was logged.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(gone.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(15));
                var text = new StringBuilder();
                try
                {
                    await pending.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    while (pending.Reader.TryRead(out var item)) text.Append(item);
                }
                catch (OperationCanceledException) when (!gone.IsCancellationRequested)
                {
                    text.Append(": idle\n\n");
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), gone.Token).ConfigureAwait(false);
                await stream.FlushAsync(gone.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            await gone.CancelAsync().ConfigureAwait(false);
            await follow.ConfigureAwait(false);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private string[]? RestartArgs(string? name)
    {
        var dash = name?.LastIndexOf('-') ?? -1;
        if (name is null || dash <= 0 || !int.TryParse(name.AsSpan(dash + 1), out var index)) return null;
        return ["Restart", "--server", name[..dash], "--instance", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", _configPath];
    }

    private string[]? ScaleArgs(string? server, string? instances) =>
        server is null || !int.TryParse(instances, out var n) ? null : ["Scale", "--server", server, "--instances", n.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", _configPath];

    /// <summary>Runs one target of the build program (one at a time) and answers its exit code and output.</summary>
    private async Task OperationAsync(HttpListenerResponse response, string[]? args)
    {
        if (args is null)
        {
            await WriteAsync(response, 400, "application/json", new JsonObject { ["ok"] = false, ["output"] = "restart needs ?name=SERVER-N; scale needs ?server=NAME&instances=N" }.ToJsonString()).ConfigureAwait(false);
            return;
        }
        if (!await _operation.WaitAsync(0).ConfigureAwait(false))
        {
            await WriteAsync(response, 409, "application/json", new JsonObject { ["ok"] = false, ["output"] = "another operation from this dashboard is running; wait for it" }.ToJsonString()).ConfigureAwait(false);
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TargetTimeout);
            var result = await Cli.Wrap(BuildProgram[0]).WithArguments([.. BuildProgram.Skip(1), .. args])
                .WithWorkingDirectory(WorkingDirectory)
                .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token).ConfigureAwait(false);
            var command = $"./build.sh {string.Join(' ', args)}";
            await WriteAsync(response, 200, "application/json", new JsonObject
            {
                ["ok"] = result.ExitCode == 0, ["command"] = command, ["exit_code"] = result.ExitCode, ["output"] = result.StandardOutput + result.StandardError,
            }.ToJsonString()).ConfigureAwait(false);
        }
        finally
        {
            _operation.Release();
        }
    }

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Orchestration.Dashboard.dashboard.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
