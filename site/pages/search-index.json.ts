/**
 * `/search-index.json`: the flexsearch artifact, fetched by the search box on first focus.
 */
import type { APIRoute } from 'astro';
import { searchArtifact } from '../lib/search-artifact.js';

export const GET: APIRoute = () => new Response(searchArtifact().json, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
