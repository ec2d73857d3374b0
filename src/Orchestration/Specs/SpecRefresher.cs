using System.Diagnostics;

namespace Orchestration.Specs;

/// <summary>
/// Start's and watch mode's step: reads every server's documents from its running first instance,
/// rewrites the spec files that changed and, when a spec changed and the clients were generated
/// before (their stamp exists: <c>./build.sh GenerateClients</c> made them once), the clients too.
/// </summary>
public sealed class SpecRefresher(SpecLayout layout, Action<string> log)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) });

    public sealed record Outcome(IReadOnlyList<SpecChange> Changes, bool ClientsGenerated, TimeSpan Elapsed);

    /// <param name="instanceUrls">Server name → base URL of a running instance (<c>http://127.0.0.1:8001</c>).</param>
    public async Task<Outcome> RefreshAsync(IReadOnlyDictionary<string, string> instanceUrls, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var documents = await Task.WhenAll(layout.Servers.Select(server => instanceUrls.TryGetValue(server, out var url)
            ? SpecSources.FetchAsync(Http, server, url, layout.ApiBaseUrl, cancellationToken)
            : throw new SpecException($"{server}: no running instance to read its documents from."))).ConfigureAwait(false);
        var set = SpecSet.Build(layout, documents);
        foreach (var conflict in set.Conflicts) log($"WARN two modules define {conflict} differently; the deployment-wide document keeps the first");
        var changes = SpecFiles.Write(layout.Output, set);
        SpecServing.Mirror(layout.Output, layout.Served);
        var clients = false;
        if (changes.Count > 0 && File.Exists(Path.Combine(layout.Clients, ClientGenerator.StampFile)))
            clients = (await new ClientGenerator(layout, log).GenerateAsync(force: false, cancellationToken).ConfigureAwait(false)).Generated;
        return new Outcome(changes, clients, clock.Elapsed);
    }
}
