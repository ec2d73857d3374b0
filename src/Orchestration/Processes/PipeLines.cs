using System.Runtime.InteropServices;
using System.Text;

namespace Orchestration.Processes;

/// <summary>
/// Reads one pipe a child writes to, line by line, on a thread of its own, from the descriptor itself
/// rather than through the runtime's stream: a descriptor can be handed to the next program of this
/// process (<see cref="Freeze"/>) and read on there (<see cref="Adopt"/>) with not one line lost or
/// repeated. It waits for data with poll(2) and reads only under its lock, so once frozen nothing more
/// is taken out of the pipe, and the partial line it holds goes along with the descriptor.
/// </summary>
public sealed class PipeLines
{
    /// <summary>A line longer than this is handed on in pieces, so a child that never prints a newline cannot grow our memory.</summary>
    private const int MaxLine = 1 << 20;

    /// <summary>The pipe buffer asked for while frozen (Linux's default unprivileged maximum).</summary>
    private const int HandOverPipeSize = 1 << 20;

    private readonly SafeHandle _handle;
    private readonly Action<string> _onLine;
    private readonly object _lock = new(); // Monitor: a frozen reader waits on it
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<byte> _partial = [];
    private bool _frozen;

    private PipeLines(SafeHandle handle, Action<string> onLine, ReadOnlySpan<byte> partial)
    {
        _handle = handle;
        _onLine = onLine;
        _partial.AddRange(partial);
        bool added = false;
        handle.DangerousAddRef(ref added); // released at end of file: the descriptor number stays ours until then
        Fd = (int)handle.DangerousGetHandle();
        new Thread(ReadLoop) { IsBackground = true, Name = $"pipe {Fd}" }.Start();
    }

    /// <summary>Reads the pipe behind <paramref name="handle"/> (it stays the owner of the descriptor).</summary>
    public static PipeLines Read(SafeHandle handle, Action<string> onLine) => new(handle, onLine, []);

    /// <summary>Reads a descriptor this process inherited, starting with the partial line its previous program held.</summary>
    public static PipeLines Adopt(int fd, ReadOnlySpan<byte> partial, Action<string> onLine)
    {
        Posix.SetCloseOnExec(fd, true); // ours now: a child we start must not inherit it
        return new PipeLines(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), onLine, partial);
    }

    public int Fd { get; }

    /// <summary>Completes at end of file: the writer and everyone who inherited its end have closed it.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Stops reading (nothing more is taken out of the pipe), lets the descriptor survive exec, and
    /// returns the partial line read so far. Null when the pipe is already closed.
    /// </summary>
    public byte[]? Freeze()
    {
        lock (_lock)
        {
            if (_closed.Task.IsCompleted) return null;
            _frozen = true;
            Posix.SetCloseOnExec(Fd, false);
            // Nobody reads until the next program does (about a second): room for what the child
            // writes meanwhile, so that a chatty one does not block on its stdout.
            Posix.TryGrowPipe(Fd, HandOverPipeSize);
            return [.. _partial];
        }
    }

    /// <summary>Reads on after a <see cref="Freeze"/> whose exec did not happen.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            if (!_frozen) return;
            _frozen = false;
            if (!_closed.Task.IsCompleted) Posix.SetCloseOnExec(Fd, true);
            Monitor.PulseAll(_lock);
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                Posix.WaitReadable(Fd);
                lock (_lock)
                {
                    while (_frozen) Monitor.Wait(_lock);
                    var n = Posix.Read(Fd, buffer);
                    if (n < 0) continue; // woken without data
                    if (n == 0) break;
                    Deliver(buffer.AsSpan(0, n));
                }
            }
        }
        catch (IOException)
        {
            // the descriptor failed: treated as closed
        }
        lock (_lock)
        {
            if (_partial.Count > 0) Emit(CollectionsMarshal.AsSpan(_partial));
            _partial.Clear();
            _handle.DangerousRelease();
            _handle.Dispose();
            _closed.TrySetResult();
        }
    }

    private void Deliver(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _partial.AddRange(data);
                if (_partial.Count >= MaxLine)
                {
                    Emit(CollectionsMarshal.AsSpan(_partial));
                    _partial.Clear();
                }
                return;
            }
            if (_partial.Count > 0)
            {
                _partial.AddRange(data[..newline]);
                Emit(CollectionsMarshal.AsSpan(_partial));
                _partial.Clear();
            }
            else
            {
                Emit(data[..newline]);
            }
            data = data[(newline + 1)..];
        }
    }

    /// <summary>One line as StreamReader.ReadLine would give it (a trailing CR dropped).</summary>
    private void Emit(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        _onLine(Encoding.UTF8.GetString(line));
    }
}
