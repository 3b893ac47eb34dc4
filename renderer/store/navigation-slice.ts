/** The `navigation` slice: which screen the app frame shows, and a link to open there. */
import type { StateCreator } from 'zustand';
import type { MeshState } from './mesh-store';

/**
 * The screens this build has (docs/architecture.md section 8); each has one folder under
 * renderer/screens.
 */
export const screenIds = [
  'onboarding',
  'passwords',
  'approvals',
  'devices',
  'mail',
  'profile',
  'network',
  'trust',
  'activity',
  'settings',
  'about',
] as const;
export type ScreenId = (typeof screenIds)[number];

// ---- state
export interface NavigationState {
  readonly screen: ScreenId;
  /** An `mcu://` link to connect with, opened from outside (the onboarding's connect step). */
  readonly connectLink: string | null;
}

export const initialNavigationState: NavigationState = { screen: 'onboarding', connectLink: null };

// ---- actions
export interface NavigationActions {
  readonly showScreen: (screen: ScreenId) => void;
  /** Opens onboarding's connect step with `link` filled in. */
  readonly openConnectLink: (link: string) => void;
  readonly takeConnectLink: () => string | null;
}

export type NavigationSlice = NavigationState & NavigationActions;

/** The slice. */
export const createNavigationSlice: StateCreator<MeshState, [], [], NavigationSlice> = (
  set,
  get,
) => ({
  ...initialNavigationState,
  showScreen: (screen) => set({ screen }),
  openConnectLink: (link) => set({ screen: 'onboarding', connectLink: link }),
  takeConnectLink: () => {
    const link = get().connectLink;
    if (link !== null) set({ connectLink: null });
    return link;
  },
});

// ---- selectors
export const selectScreen = (state: MeshState): ScreenId => state.screen;
export const selectShowScreen = (state: MeshState): NavigationActions['showScreen'] =>
  state.showScreen;
export const selectConnectLink = (state: MeshState): string | null => state.connectLink;
