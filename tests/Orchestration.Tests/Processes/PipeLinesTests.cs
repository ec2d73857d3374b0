using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text;
using Orchestration.Processes;

namespace Orchestration.Tests.Processes;

/// <summary>A child's pipe read from its descriptor, and handed on to the next program of the process with nothing lost or repeated.</summary>
public sealed class PipeLinesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Lines_split_across_writes_arrive_whole_and_a_CR_before_the_newline_is_dropped()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var lines = new BlockingCollection<string>();
        var reader = PipeLines.Read(writer.ClientSafePipeHandle, lines.Add);

        await WriteAsync(writer, "hel");
        await WriteAsync(writer, "lo\r\nwörld\nlast without newline");
        Assert.Equal("hello", Take(lines));
        Assert.Equal("wörld", Take(lines));
        writer.Dispose(); // end of file: the partial line is a line too
        await reader.Closed.WaitAsync(Wait);
        Assert.Equal("last without newline", Take(lines));
    }

    [Fact]
    public async Task A_frozen_reader_takes_nothing_more_out_of_the_pipe_and_the_adopting_one_starts_with_its_partial_line()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var before = new BlockingCollection<string>();
        var old = PipeLines.Read(writer.ClientSafePipeHandle, before.Add);
        await WriteAsync(writer, "one\ntw");
        Assert.Equal("one", Take(before));
        await Task.Delay(100); // "tw" is read into the reader's partial line by now

        var partial = old.Freeze();

        Assert.Equal("tw", Encoding.UTF8.GetString(partial!));
        Assert.False(Posix.IsCloseOnExec(old.Fd), "a handed-over descriptor must survive exec");
        await WriteAsync(writer, "o\nthree\n");
        // Room for a chatty child's output while nobody reads: far more than the default 64 KiB fits without blocking the writer.
        var chatter = new string('z', 200_000) + "\n";
        await WriteAsync(writer, chatter).WaitAsync(Wait);
        await Task.Delay(200);
        Assert.Empty(before); // still in the pipe, for the next program

        var after = new BlockingCollection<string>();
        var next = PipeLines.Adopt(Dup(old.Fd), partial, after.Add);
        Assert.True(Posix.IsCloseOnExec(next.Fd), "an adopted descriptor closes on exec again, so our children do not inherit it");
        Assert.Equal("two", Take(after));
        Assert.Equal("three", Take(after));
        Assert.Equal(chatter.TrimEnd('\n'), Take(after));
        writer.Dispose();
        await next.Closed.WaitAsync(Wait);
        Assert.Empty(before);
    }

    [Fact]
    public async Task A_reader_resumed_after_a_hand_over_that_did_not_happen_goes_on_where_it_stopped()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var lines = new BlockingCollection<string>();
        var reader = PipeLines.Read(writer.ClientSafePipeHandle, lines.Add);
        await WriteAsync(writer, "a\nb");
        Assert.Equal("a", Take(lines));
        await Task.Delay(100);
        reader.Freeze();
        await WriteAsync(writer, "c\n");

        reader.Resume();

        Assert.Equal("bc", Take(lines));
        Assert.True(Posix.IsCloseOnExec(reader.Fd));
    }

    private static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await stream.FlushAsync();
    }

    private static string Take(BlockingCollection<string> lines) =>
        lines.TryTake(out var line, Wait) ? line : throw new TimeoutException("no line within 5 s");

    /// <summary>The descriptor as the next program would inherit it: the same open pipe, under a number of its own (the old reader still holds its number here).</summary>
    private static int Dup(int fd) => Posix.Duplicate(fd);
}
