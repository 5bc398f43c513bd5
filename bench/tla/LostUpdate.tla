---------------------------- MODULE LostUpdate ----------------------------
(* specs/classic/lost-update.ts: two workers add 1 to a shared counter by a
   read step and a write step, with or without a lock. *)
EXTENDS Naturals, TLC
CONSTANTS Workers, Lock
VARIABLES counter, locked, pc, seen
vars == <<counter, locked, pc, seen>>
Init == counter = 0 /\ locked = FALSE /\ pc = [w \in Workers |-> "acquire"]
        /\ seen = [w \in Workers |-> 0]
Acquire(w) == pc[w] = "acquire" /\ (IF Lock THEN ~locked ELSE TRUE)
  /\ locked' = (IF Lock THEN TRUE ELSE locked)
  /\ pc' = [pc EXCEPT ![w] = "read"] /\ UNCHANGED <<counter, seen>>
Read(w) == pc[w] = "read" /\ seen' = [seen EXCEPT ![w] = counter]
  /\ pc' = [pc EXCEPT ![w] = "write"] /\ UNCHANGED <<counter, locked>>
Write(w) == pc[w] = "write" /\ counter' = seen[w] + 1
  /\ pc' = [pc EXCEPT ![w] = "release"] /\ UNCHANGED <<locked, seen>>
Release(w) == pc[w] = "release" /\ locked' = FALSE
  /\ pc' = [pc EXCEPT ![w] = "done"] /\ UNCHANGED <<counter, seen>>
Next == \E w \in Workers : Acquire(w) \/ Read(w) \/ Write(w) \/ Release(w)
Spec == Init /\ [][Next]_vars
Sym == Permutations(Workers)
=============================================================================
