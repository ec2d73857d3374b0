using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

/// <summary>
/// Scale's change to the config file: the one value <c>servers.NAME.instances</c> set in the text,
/// everything else (comments, order, quoting, blank lines) left byte for byte as it was, so the file
/// stays the one truth of what runs and its diff shows exactly what Scale did.
/// </summary>
public static class InstanceCountEdit
{
    /// <exception cref="ArgumentException">No such server, or it is not written in block style; the message names the fix.</exception>
    public static string Apply(string text, string server, int instances)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("servers"), out var serversNode) || serversNode is not YamlMappingNode servers)
            throw new ArgumentException("the config has no servers: mapping to scale");
        if (!servers.Children.TryGetValue(new YamlScalarNode(server), out var node) || node is not YamlMappingNode mapping)
            throw new ArgumentException($"--server {server}: no such server; servers: {string.Join(", ", servers.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value))}");
        if (mapping.Style == MappingStyle.Flow)
            throw new ArgumentException($"servers.{server} is written in flow style ({{ ... }}); write it as one key per line, or set instances: {instances} by hand and run ./build.sh Apply");
        var value = instances.ToString(CultureInfo.InvariantCulture);
        if (mapping.Children.TryGetValue(new YamlScalarNode("instances"), out var current))
        {
            var start = (int)current.Start.Index;
            var end = (int)current.End.Index;
            return string.Concat(text.AsSpan(0, start), value, text.AsSpan(end));
        }
        // No instances: key (the default, 1): a new line before the server's first key, indented as it is.
        var first = mapping.Children.Keys.First();
        var lineStart = (int)first.Start.Index - ((int)first.Start.Column - 1);
        var indent = new string(' ', (int)first.Start.Column - 1);
        return string.Concat(text.AsSpan(0, lineStart), $"{indent}instances: {value}\n", text.AsSpan(lineStart));
    }
}
