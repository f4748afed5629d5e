"""The use cases, one module each: the permission check, the identifier guard, the audit entry,
then the store. Both front ends (`cli`, `tui`) call these and write no audit entry themselves.

Every function takes the store and the acting person explicitly, returns data or raises a
typed error; each error is a `store.StoreError`, so a front end's existing handling of store
errors keeps working.
"""
