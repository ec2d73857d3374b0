using System.Runtime.InteropServices;

namespace Orchestration.Metrics;

/// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), so a part can account for exactly what it costs.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    public static double Seconds() => ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds + t.Nanoseconds / 1e9 : 0;
}
