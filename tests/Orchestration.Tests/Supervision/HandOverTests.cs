using Orchestration.Lifecycle;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Supervision;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Supervision;

/// <summary>What a supervisor hands to the next program of its process, and how it knows the program changed.</summary>
public sealed class HandOverTests
{
    [Fact]
    public void A_hand_over_reads_back_as_written_with_every_child_its_pipes_and_partial_lines()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "handover.json");
        var handOver = new HandOver
        {
            SupervisorPid = 4242,
            SupervisorStartedAt = DateTimeOffset.Parse("2026-12-01T15:00:00+00:00"),
            FromProgram = "0123456789ab",
            ToProgram = "/x/.local/supervisor-ba9876543210/_build.dll",
            ExecutedAt = DateTimeOffset.Parse("2026-12-01T15:10:00.250+00:00"),
            Replacements = 2,
            ListenerFd = 17,
            ReplyFd = 23,
            AutoRestart = true,
            NginxConfigHash = "feedbeef",
            Operation = new OperationRecord { Name = "replace-supervisor", StartedAt = DateTimeOffset.Parse("2026-12-01T15:10:00+00:00") },
            Processes =
            [
                new HandedOverProcess
                {
                    Spec = new ProcessSpec { Name = "broker-0", Argv = ["dotnet", "b.dll"], WorkingDirectory = "/x", Environment = new Dictionary<string, string> { ["PORT"] = "5001" } },
                    Kind = ProcessKind.Instance, Server = "broker", Port = 5101, ConfiguredPort = 5001, SparePort = 5101, Modules = ["core", "broker"],
                    Status = ProcessStatus.Running, Restarts = 3, UnstableStarts = 2, StartedAt = DateTimeOffset.Parse("2026-12-01T15:01:00+00:00"),
                    Child = new HandedOverChild
                    {
                        Pid = 5000, StartTicks = 123456, Executable = "/usr/share/dotnet/dotnet", Argv = ["dotnet", "b.dll"],
                        StdoutFd = 31, StderrFd = 33, StdoutPartial = "half a li"u8.ToArray(), StderrPartial = [0xC3],
                    },
                },
                new HandedOverProcess
                {
                    Spec = new ProcessSpec { Name = "app-0", Argv = ["/bin/sh", "-c", "exit 3"], WorkingDirectory = "/x" },
                    Kind = ProcessKind.Instance, Server = "app", Port = 5002, ConfiguredPort = 5002, ArgvTemplate = ["/bin/sh", "-c", "{port}"],
                    Status = ProcessStatus.Restarting, ExitCode = 3, ExitedAt = DateTimeOffset.Parse("2026-12-01T15:09:59+00:00"),
                },
            ],
        };

        handOver.Save(path);
        var read = HandOver.Load(path);

        Assert.Equal(handOver with { Processes = [] }, read with { Processes = [] });
        var broker = read.Processes[0];
        Assert.Equal(handOver.Processes[0].Spec.Environment, broker.Spec.Environment);
        Assert.Equal(["core", "broker"], broker.Modules);
        Assert.Equal((5101, 5001, 5101, 3, 2), (broker.Port, broker.ConfiguredPort, broker.SparePort, broker.Restarts, broker.UnstableStarts));
        var pipes = broker.Child!.Pipes;
        Assert.Equal((31, 33), (pipes.StdoutFd, pipes.StderrFd));
        Assert.Equal("half a li"u8.ToArray(), pipes.StdoutPartial);
        Assert.Equal([0xC3], pipes.StderrPartial);
        var identity = broker.Child.Identity;
        Assert.Equal((5000, 123456L, "/usr/share/dotnet/dotnet"), (identity.Pid, identity.StartTicks, identity.Executable));
        Assert.Equal(["dotnet", "b.dll"], identity.Argv);
        var app = read.Processes[1];
        Assert.Null(app.Child);
        Assert.Equal(ProcessStatus.Restarting, app.Status);
        Assert.Equal(3, app.ExitCode);
        Assert.Equal(["/bin/sh", "-c", "{port}"], app.ArgvTemplate!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_hand_over_of_another_format_is_refused_so_the_old_program_keeps_running()
    {
        using var dir = new TempDir();
        var path = dir.Write("handover.json", """{"format": 99, "supervisor_pid": 1, "supervisor_started_at": "2026-12-01T15:00:00+00:00", "from_program": "a", "to_program": "b", "processes": []}""");

        var error = Assert.Throws<InvalidDataException>(() => HandOver.Load(path));

        Assert.Contains("format 99", error.Message);
    }

    [Fact]
    public void A_program_copy_has_the_stamp_of_its_original_and_a_changed_file_changes_it()
    {
        using var dir = new TempDir();
        dir.Write("program/_build.dll", "code");
        dir.Write("program/runtimes/x.so", "native");
        var program = Path.Combine(dir.Path, "program");
        var copy = Path.Combine(dir.Path, "copy");
        Orchestration.IO.DirectoryMirror.Copy(program, copy);

        Assert.Equal(SupervisorProgram.StampOf(program), SupervisorProgram.StampOf(copy));

        dir.Write("program/_build.dll", "new code");
        Assert.NotEqual(SupervisorProgram.StampOf(program), SupervisorProgram.StampOf(copy));
    }

    [Fact]
    public void A_supervisor_copy_made_exact_drops_another_builds_files_and_has_the_programs_stamp_again()
    {
        using var dir = new TempDir();
        dir.Write("jit/_build.dll", "jit program");
        dir.Write("jit/BuildGraph.dll", "engine");
        dir.Write("native/_build", "native program");
        var copy = Path.Combine(dir.Path, "copy");
        Orchestration.IO.DirectoryMirror.Copy(Path.Combine(dir.Path, "jit"), copy);
        Orchestration.IO.DirectoryMirror.Copy(Path.Combine(dir.Path, "native"), copy);
        Assert.NotEqual(SupervisorProgram.StampOf(Path.Combine(dir.Path, "native")), SupervisorProgram.StampOf(copy)); // what the launcher did before

        Orchestration.IO.DirectoryMirror.Copy(Path.Combine(dir.Path, "native"), copy, removeOthers: true);
        Assert.Equal(SupervisorProgram.StampOf(Path.Combine(dir.Path, "native")), SupervisorProgram.StampOf(copy));
        Assert.Equal(["_build"], Directory.GetFiles(copy).Select(Path.GetFileName));
    }

    [Fact]
    public void Status_says_when_the_supervisor_replaced_its_program_and_how_long_the_hand_over_took()
    {
        var now = DateTimeOffset.Parse("2026-12-01T15:10:05+00:00");
        var replaced = new SupervisorProgramRecord
        {
            Stamp = "ba9876543210", Directory = "/x", Replacements = 1, ReplacedAt = now.AddSeconds(-0.4), ReplacedFrom = "0123456789ab", HandOverMilliseconds = 380,
        };

        Assert.Equal("Supervisor: program ba9876543210, replaced in place 0.4 s ago (from program 0123456789ab, hand-over 380 ms)", StatusView.SupervisorLine(replaced, now));
        Assert.Equal("Supervisor: program ba9876543210", StatusView.SupervisorLine(replaced with { ReplacedAt = null }, now));
    }
}
