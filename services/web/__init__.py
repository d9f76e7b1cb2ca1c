"""The web portal: the public catalog and the stewards' workspace, server-rendered, Thai first."""
