/// <summary>The configuration the solution is built and tested in.</summary>
public enum Configuration
{
    Debug,
    Release,
}
