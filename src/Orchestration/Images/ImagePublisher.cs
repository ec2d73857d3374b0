using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Builds;
using Orchestration.Config;
using Orchestration.Packages;
using Orchestration.Swarm;

namespace Orchestration.Images;

/// <summary>One image PublishImages made or found up to date, and its size.</summary>
public sealed record PublishedImage(string Reference, long SizeBytes, bool Built, TimeSpan Took)
{
    public string Size => $"{SizeBytes / 1_000_000.0:0.0} MB";
}

/// <summary>
/// Builds the images a deployment runs, offline (no registry is needed):
/// <list type="bullet">
/// <item>a base image, once per suite and mirror: a <c>debootstrap --variant=minbase</c> root file system
/// of this machine's apt suite and mirror with nginx-light and a non-root user (65532), imported with
/// <c>docker import</c> and kept, so later runs reuse it;</item>
/// <item>per .NET project: its Native AOT binary on a root file system of only the libraries it and the
/// healthcheck load (when its servers choose AOT: <see cref="ImageChoice"/>), or its <c>dotnet publish</c>
/// output, self-contained for linux-x64 (no runtime in the base), in /app, run as 65532;</item>
/// <item>the gateway: the base's nginx run as 65532 with the config at /etc/orchestration/nginx.conf.</item>
/// </list>
/// Each image carries the hash of its inputs as the label <see cref="InputsLabel"/>; an image whose inputs
/// did not change is not built again (only tagged when the tag is new).
/// </summary>
public sealed class ImagePublisher(DockerCli docker, PackageInstaller packages, string workDirectory, Action<string> log)
{
    public const string InputsLabel = "orchestration.inputs";
    public const string ManagedLabel = "orchestration.managed-by";
    public const int NonRootUser = 65532;
    public const string GatewayConfigPath = "/etc/orchestration/nginx.conf";

    /// <summary>Marks the first stage of a native image, an image left without a tag once the build is done.</summary>
    public const string StageLabel = "orchestration.stage";

    /// <summary>Raise when the base recipe changes, so every machine builds its base again.</summary>
    private const string BaseRecipe = "minbase+nginx-light+nonroot v1";

    private static readonly string[] BasePackages = ["nginx-light", "ca-certificates"];

    public async Task<IReadOnlyList<PublishedImage>> PublishAsync(DeploymentConfig config, ImageNames names, CancellationToken cancellationToken)
    {
        var baseImage = await EnsureBaseAsync(names, cancellationToken).ConfigureAwait(false);
        var images = new List<PublishedImage> { baseImage };
        foreach (var servers in config.Servers.Where(s => s.IsDotNetProject).GroupBy(s => s.Project ?? ImageNames.BundledProject, StringComparer.Ordinal))
        {
            var choice = ImageChoice(servers.ToList());
            log($"{ImageNames.Repository(Path.GetFileNameWithoutExtension(servers.Key))} image: {(choice.Native ? "Native AOT" : "JIT, self-contained")} ({choice.Reason})");
            images.Add(await PublishProjectAsync(servers.Key, names.ForProject(servers.Key), baseImage.Reference, choice, cancellationToken).ConfigureAwait(false));
        }
        var gateway = await BuildAsync(GatewayReference(names, AptSource.OfThisMachine()), GatewayDockerfile(baseImage.Reference), context: null, cancellationToken).ConfigureAwait(false);
        await docker.RunAsync(["tag", gateway.Reference, names.Gateway], cancellationToken).ConfigureAwait(false);
        images.Add(gateway with { Reference = $"{gateway.Reference} (and {names.Gateway})" });
        foreach (var server in config.Servers.Where(s => !s.IsDotNetProject))
            log($"servers.{server.Name} runs a command: its image {names.For(server)} is yours to build (see docs/deploy.md).");
        return images;
    }

    /// <summary>The base image's reference: the suite and a hash of mirror, suite and recipe.</summary>
    public static string BaseReference(ImageNames names, AptSource source) =>
        $"{names.Prefix}/base:{source.Suite}-{IO.ShortHash.Of($"{BaseRecipe}|{source.Suite}|{source.Mirror}|{string.Join(',', BasePackages)}", 12)}";

    /// <summary>
    /// The gateway's image tagged by its content (the base and the recipe), not by the commit: a stack whose
    /// code changed keeps its gateway task, whose host-mode port would otherwise close for a moment
    /// (one host port cannot be bound by an old and a new task at once). It is tagged with the commit too.
    /// </summary>
    public static string GatewayReference(ImageNames names, AptSource source) =>
        $"{names.Prefix}/{ImageNames.GatewayRepository}:{source.Suite}-{IO.ShortHash.Of(GatewayDockerfile(BaseReference(names, source)), 12)}";

    public async Task<PublishedImage> EnsureBaseAsync(ImageNames names, CancellationToken cancellationToken)
    {
        var source = AptSource.OfThisMachine();
        var reference = BaseReference(names, source);
        var clock = Stopwatch.StartNew();
        if (await SizeAsync(reference, cancellationToken).ConfigureAwait(false) is { } size)
            return new PublishedImage(reference, size, false, clock.Elapsed);

        var debootstrap = await packages.EnsureAsync("debootstrap", ["debootstrap"], cancellationToken).ConfigureAwait(false);
        if (!debootstrap.Found) throw new DockerException($"the base image needs debootstrap: {debootstrap.Error}");
        if (!Processes.Posix.IsRoot)
            throw new DockerException($"the base image {reference} is built with debootstrap, which needs root. Fix: run ./build.sh PublishImages once as root (the image is kept for later runs).");

        var root = Path.Combine(workDirectory, "base-rootfs");
        var tar = root + ".tar";
        await RemoveTreeAsync(root, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(workDirectory);
        log($"building the base image {reference}: debootstrap --variant=minbase {source.Suite} from {source.Mirror} (about a minute, once) ...");
        try
        {
            await RunCheckedAsync(debootstrap.Path!, ["--variant=minbase", $"--include={string.Join(',', BasePackages)}", source.Suite, root, source.Mirror], cancellationToken).ConfigureAwait(false);
            AddNonRootUser(root);
            foreach (var dir in new[] { "var/lib/apt/lists", "var/cache/apt", "usr/share/doc", "usr/share/man", "usr/share/locale" })
            {
                var full = Path.Combine(root, dir);
                if (Directory.Exists(full)) await RemoveTreeAsync(full, cancellationToken).ConfigureAwait(false);
            }
            await RunCheckedAsync("tar", ["-C", root, "--numeric-owner", "-cf", tar, "."], cancellationToken).ConfigureAwait(false);
            await docker.RunAsync(["import",
                "--change", $"LABEL {ManagedLabel}=orchestration",
                "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--change", "CMD [\"bash\"]",
                tar, reference], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await RemoveTreeAsync(root, cancellationToken).ConfigureAwait(false);
            File.Delete(tar);
        }
        var built = await SizeAsync(reference, cancellationToken).ConfigureAwait(false) ?? 0;
        return new PublishedImage(reference, built, true, clock.Elapsed);
    }

    /// <summary>
    /// One image per project, so its servers must agree: Native AOT when every server running it chooses it
    /// (<see cref="PublishChoice.ForImage"/>), else JIT, naming the server that keeps it JIT.
    /// </summary>
    public static PublishChoice ImageChoice(IReadOnlyList<ServerConfig> servers, Func<string, string?>? declaredAotProperty = null)
    {
        var choices = servers.Select(s => (Server: s, Choice: PublishChoice.ForImage(s, declaredAotProperty))).ToList();
        if (choices.FirstOrDefault(c => !c.Choice.Native) is { Server: not null } jit)
            return choices.All(c => !c.Choice.Native) ? jit.Choice : new(false, $"servers.{jit.Server.Name}: {jit.Choice.Reason}, and all servers of a project share its image");
        return choices[0].Choice;
    }

    /// <summary>
    /// The project's publish into a build context with its Dockerfile: the Native AOT binary Start runs (the same
    /// publish, shared and up to date by content) on a root file system of its own libraries
    /// (<see cref="NativeDockerfile"/>), or <c>dotnet publish</c> self-contained for linux-x64 on the base image.
    /// </summary>
    public async Task<PublishedImage> PublishProjectAsync(string project, string reference, string baseReference, PublishChoice choice, CancellationToken cancellationToken)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var context = Path.Combine(workDirectory, ImageNames.Repository(name));
        var app = Path.Combine(context, "app");
        // A clean folder: a file an earlier publish left would end up in the image and in its inputs hash.
        await RemoveTreeAsync(app, cancellationToken).ConfigureAwait(false);
        if (choice.Native) return await PublishNativeAsync(project, reference, baseReference, app, context, cancellationToken).ConfigureAwait(false);
        log($"dotnet publish {name} (Release, linux-x64, self-contained) ...");
        await RunCheckedAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "true",
            "-p:UseAppHost=true", "-p:GenerateDocumentationFile=false",
            // The SDK writes the git commit into the assembly's version: every commit would change the image.
            "-p:IncludeSourceRevisionInInformationalVersion=false",
            // Its own bin and obj: the publish (Release, a runtime identifier) never rewrites the project's obj/,
            // which a running stack's build and watch mode use. Kept per user and project, so every
            // deployment of the same project compiles only what changed.
            "--artifacts-path", ArtifactsPath(project),
            "-o", app, "-nologo", "-v", "quiet"], cancellationToken).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(app, name)))
            throw new DockerException($"dotnet publish of {project} made no executable {name} in {app}. Fix: the project's AssemblyName must match its file name, and it must be an executable (OutputType Exe, or the Web SDK).");
        return await BuildAsync(reference, ProjectDockerfile(baseReference, name), context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PublishedImage> PublishNativeAsync(string project, string reference, string baseReference, string app, string context, CancellationToken cancellationToken)
    {
        // The binary links against this machine's glibc; the base is this machine's suite, so its libraries match.
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier is not ("linux-x64" or "linux-arm64"))
            throw new DockerException($"a Native AOT image is built from this machine's publish, which runs on {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}, not a glibc Linux. Fix: set publish: jit for the servers of {Path.GetFileName(project)}.");
        var publisher = new AotPublisher("dotnet", token => PublishChoice.EnsureToolchainAsync(packages, token));
        AotPublisher.Published published;
        try
        {
            published = await publisher.EnsurePublishedAsync(project, cancellationToken, log).ConfigureAwait(false);
        }
        catch (BackendBuildException ex)
        {
            throw new DockerException(ex.Message);
        }
        log(published.WasUpToDate
            ? $"Native AOT binary of {Path.GetFileName(project)} up to date ({published.Size / 1_000_000.0:0.0} MB)"
            : $"Native AOT publish of {Path.GetFileName(project)}: {published.CompileTime.TotalSeconds:0.0} s, {published.Size / 1_000_000.0:0.0} MB");
        Directory.CreateDirectory(app);
        var executable = Path.GetFileName(published.Binary);
        File.Copy(published.Binary, Path.Combine(app, executable), overwrite: true);
        return await BuildAsync(reference, NativeDockerfile(baseReference, executable), context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>~/.cache/orchestration/publish/&lt;project&gt;-&lt;hash of its path&gt;</c> (XDG_CACHE_HOME when set).</summary>
    public static string ArtifactsPath(string project)
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var full = Path.GetFullPath(project);
        return Path.Combine(cache, "orchestration", "publish", $"{ImageNames.Repository(Path.GetFileNameWithoutExtension(full))}-{IO.ShortHash.Of(full, 12)}");
    }

    public static string ProjectDockerfile(string baseReference, string executable) => $"""
        FROM {baseReference}
        COPY app/ /app/
        WORKDIR /app
        ENV HOME=/tmp DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
        USER {NonRootUser}:{NonRootUser}
        ENTRYPOINT ["/app/{executable}"]
        """;

    /// <summary>
    /// A Native AOT binary on a root file system of only what it and the healthcheck load, taken from the base
    /// image in a first stage: the dynamic loader, libc and libm (the binary's own needs, by <c>ldd</c>), bash and
    /// its libraries (Compose's and Kubernetes' probes run <c>bash -c</c>), OpenSSL's libssl and libcrypto (loaded
    /// at run time for hashing: a WebSocket handshake's accept key is a SHA-1), the nonroot user, and a /tmp.
    /// No package manager, no shell utilities, no .NET runtime.
    /// </summary>
    public static string NativeDockerfile(string baseReference, string executable) => $"""
        FROM {baseReference} AS libraries
        LABEL {StageLabel}=libraries
        COPY app/ /app/
        RUN set -e; r=/rootfs; mkdir -p $r/tmp $r/etc $r/usr/bin; chmod 1777 $r/tmp; \
            for f in $(ldd /app/{executable} /usr/bin/bash | grep -o '/[^ ]*\.so[^ ]*') $(ls /usr/lib/*-linux-gnu/libssl.so.3 /usr/lib/*-linux-gnu/libcrypto.so.3); do \
              mkdir -p $r$(dirname $f); cp -L $f $r$f; done; \
            cp /usr/bin/bash $r/usr/bin/bash; ln -s usr/bin $r/bin; \
            grep '^nonroot:' /etc/passwd > $r/etc/passwd; grep '^nonroot:' /etc/group > $r/etc/group
        FROM scratch
        COPY --from=libraries /rootfs/ /
        COPY app/ /app/
        WORKDIR /app
        ENV PATH=/usr/bin:/bin HOME=/tmp
        USER {NonRootUser}:{NonRootUser}
        ENTRYPOINT ["/app/{executable}"]
        """;

    /// <summary>nginx as 65532: its pid and temp files in /tmp, its startup errors on stderr, SIGQUIT to stop gracefully.</summary>
    public static string GatewayDockerfile(string baseReference) => $"""
        FROM {baseReference}
        USER {NonRootUser}:{NonRootUser}
        STOPSIGNAL SIGQUIT
        ENTRYPOINT ["nginx", "-c", "{GatewayConfigPath}", "-p", "/tmp/", "-e", "stderr", "-g", "daemon off;"]
        """;

    /// <summary>Builds <paramref name="reference"/> unless an image with the same inputs exists (then tags it).</summary>
    private async Task<PublishedImage> BuildAsync(string reference, string dockerfile, string? context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        context ??= Path.Combine(workDirectory, "gateway");
        Directory.CreateDirectory(context);
        var dockerfilePath = Path.Combine(context, "Dockerfile");
        await File.WriteAllTextAsync(dockerfilePath, dockerfile.ReplaceLineEndings("\n") + "\n", cancellationToken).ConfigureAwait(false);
        var inputs = HashTree(context);

        var current = await docker.TryAsync(["image", "inspect", reference, "--format", $"{{{{index .Config.Labels \"{InputsLabel}\"}}}}"], cancellationToken).ConfigureAwait(false);
        var built = false;
        if (current.ExitCode == 0 && current.StandardOutput.Trim() == inputs)
        {
            // Up to date.
        }
        else if ((await docker.LinesAsync(["images", "-q", "--filter", $"label={InputsLabel}={inputs}"], cancellationToken).ConfigureAwait(false)).FirstOrDefault() is { } same)
        {
            await docker.RunAsync(["tag", same, reference], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            log($"docker build {reference} ...");
            // --force-rm: a failing RUN leaves no container behind.
            await docker.RunAsync(["build", "-q", "--force-rm", "--label", $"{InputsLabel}={inputs}", "--label", $"{ManagedLabel}=orchestration", "-t", reference, context], cancellationToken).ConfigureAwait(false);
            // The classic builder keeps a multi-stage build's first stage as an untagged image: ours go (only untagged ones with our label).
            if (dockerfile.Contains(StageLabel, StringComparison.Ordinal))
                await docker.RunAsync(["image", "prune", "--force", "--filter", $"label={StageLabel}"], cancellationToken).ConfigureAwait(false);
            built = true;
        }
        var size = await SizeAsync(reference, cancellationToken).ConfigureAwait(false) ?? 0;
        return new PublishedImage(reference, size, built, clock.Elapsed);
    }

    private async Task<long?> SizeAsync(string reference, CancellationToken cancellationToken)
    {
        var result = await docker.TryAsync(["image", "inspect", reference, "--format", "{{.Size}}"], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && long.TryParse(result.StandardOutput.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : null;
    }

    /// <summary>SHA-256 over every file's relative path, mode and content, in ordinal order.</summary>
    public static string HashTree(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(directory, file)}\0{(int)File.GetUnixFileMode(file)}\0"));
            using var stream = File.OpenRead(file);
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    /// <summary>A user and group 65532 ("nonroot", the distroless convention) with /tmp as home.</summary>
    private static void AddNonRootUser(string root)
    {
        File.AppendAllText(Path.Combine(root, "etc/passwd"), $"nonroot:x:{NonRootUser}:{NonRootUser}:nonroot:/tmp:/usr/sbin/nologin\n");
        File.AppendAllText(Path.Combine(root, "etc/group"), $"nonroot:x:{NonRootUser}:\n");
    }

    private static Task RemoveTreeAsync(string path, CancellationToken cancellationToken) =>
        RunCheckedAsync("rm", ["-rf", "--one-file-system", path], cancellationToken);

    private static async Task RunCheckedAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(program).WithArguments(args).WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(e => e.Set("DEBIAN_FRONTEND", "noninteractive").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1").Set("DOTNET_NOLOGO", "1"))
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new DockerException($"`{program} {string.Join(' ', args)}` exited with {result.ExitCode}:\n{DockerCli.Last(result.StandardOutput + result.StandardError, 30)}");
    }
}
